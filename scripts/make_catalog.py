#!/usr/bin/env python3
"""A generated shop (seeded, so always the same): products with titles and descriptions,
customers, orders and interactions. Real reviews come from Debian's r-cran-modeldata instead;
no package ships a product catalogue. Usage: make_catalog.py OUT_DIR"""
import csv
import datetime
import os
import random
import sys

CATEGORIES = {
    "shoes": (["running shoes", "sneakers", "hiking boots", "sandals", "loafers", "rain boots"],
              ["mesh", "leather", "suede", "canvas", "rubber"]),
    "clothing": (["t-shirt", "hoodie", "winter jacket", "summer dress", "jeans", "wool sweater", "raincoat"],
                 ["cotton", "wool", "denim", "linen", "polyester"]),
    "kitchen": (["coffee maker", "chef's knife", "cast iron pan", "blender", "espresso machine", "tea kettle"],
                ["stainless steel", "ceramic", "cast iron", "glass", "bamboo"]),
    "electronics": (["wireless earbuds", "noise-cancelling headphones", "bluetooth speaker", "phone charger",
                     "smart watch", "usb-c hub"], ["aluminium", "plastic", "silicone"]),
    "grocery": (["olive oil", "green tea", "dark chocolate", "coffee beans", "gluten-free pasta", "honey"],
                ["organic", "fair-trade", "cold-pressed", "single-origin"]),
    "toys": (["building blocks set", "puzzle", "plush bear", "remote control car", "board game"],
             ["wooden", "plastic", "plush"]),
}
COLOURS = ["red", "black", "white", "navy blue", "green", "grey", "yellow", "pink", "brown"]
BRANDS = ["Northwind", "Acme", "Bellhaven", "Kestrel", "Lumen", "Orchard & Oak", "Tidewater", "Zephyr"]
# Chinese titles (data/products_zh.csv) for the multilingual search demo and test.
ZH = {
    "running shoes": "跑鞋", "sneakers": "运动鞋", "hiking boots": "登山靴", "sandals": "凉鞋",
    "loafers": "乐福鞋", "rain boots": "雨靴", "t-shirt": "T恤", "hoodie": "连帽卫衣",
    "winter jacket": "冬季夹克", "summer dress": "夏季连衣裙", "jeans": "牛仔裤", "wool sweater": "羊毛衫",
    "raincoat": "雨衣", "coffee maker": "咖啡机", "chef's knife": "厨师刀", "cast iron pan": "铸铁锅",
    "blender": "搅拌机", "espresso machine": "意式咖啡机", "tea kettle": "烧水壶",
    "wireless earbuds": "无线耳机", "noise-cancelling headphones": "降噪耳机", "bluetooth speaker": "蓝牙音箱",
    "phone charger": "手机充电器", "smart watch": "智能手表", "usb-c hub": "USB-C 扩展坞",
    "olive oil": "橄榄油", "green tea": "绿茶", "dark chocolate": "黑巧克力", "coffee beans": "咖啡豆",
    "gluten-free pasta": "无麸质意面", "honey": "蜂蜜", "building blocks set": "积木套装", "puzzle": "拼图",
    "plush bear": "毛绒熊", "remote control car": "遥控车", "board game": "桌游",
    "red": "红色", "black": "黑色", "white": "白色", "navy blue": "藏青色", "green": "绿色", "grey": "灰色",
    "yellow": "黄色", "pink": "粉色", "brown": "棕色",
    "mesh": "网面", "leather": "皮革", "suede": "麂皮", "canvas": "帆布", "rubber": "橡胶", "cotton": "纯棉",
    "wool": "羊毛", "denim": "牛仔布", "linen": "亚麻", "polyester": "涤纶", "stainless steel": "不锈钢",
    "ceramic": "陶瓷", "cast iron": "铸铁", "glass": "玻璃", "bamboo": "竹制", "aluminium": "铝制",
    "plastic": "塑料", "silicone": "硅胶", "organic": "有机", "fair-trade": "公平贸易", "cold-pressed": "冷榨",
    "single-origin": "单一产地", "wooden": "木制", "plush": "毛绒",
}
PRAISE = ["light and comfortable", "built to last", "great value", "award-winning design",
          "easy to clean", "perfect as a gift", "loved by thousands of customers"]


def main(out):
    rnd = random.Random(42)
    products = []
    titles_zh = []
    pid = 0
    for cat, (kinds, materials) in CATEGORIES.items():
        for kind in kinds:
            for _ in range(6):
                pid += 1
                colour, material, brand = rnd.choice(COLOURS), rnd.choice(materials), rnd.choice(BRANDS)
                title = f"{brand} {colour} {material} {kind}"
                titles_zh.append((pid, f"{brand} {ZH[colour]}{ZH[material]}{ZH[kind]}"))
                desc = (f"A {colour} {kind} made of {material}. {rnd.choice(PRAISE).capitalize()}, "
                        f"{rnd.choice(PRAISE)}. Category: {cat}.")
                price = round(rnd.uniform(4, 250), 2)
                products.append((pid, title, desc, cat, price))
    with open(os.path.join(out, "products.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "title", "description", "category", "price"])
        w.writerows(products)
    with open(os.path.join(out, "products_zh.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "title_zh"])
        w.writerows(titles_zh)
    customers, orders, interactions = [], [], []
    start = datetime.date(2025, 1, 1)
    oid = 0
    for cid in range(1, 501):
        signup = start + datetime.timedelta(days=rnd.randrange(0, 300))
        customers.append((cid, f"customer{cid}@example.com", rnd.choice(["DE", "FR", "US", "CN", "BR", "JP"]), signup))
        liked = rnd.choice(list(CATEGORIES))
        for _ in range(rnd.randrange(0, 12)):
            oid += 1
            p = rnd.choice([q for q in products if q[3] == liked] if rnd.random() < 0.7 else products)
            day = signup + datetime.timedelta(days=rnd.randrange(0, 330))
            qty = rnd.randrange(1, 4)
            orders.append((oid, cid, p[0], day, qty, round(qty * p[4], 2)))
            interactions.append((cid, p[0], "purchase", day))
        for _ in range(rnd.randrange(0, 20)):
            p = rnd.choice(products)
            interactions.append((cid, p[0], "view", signup + datetime.timedelta(days=rnd.randrange(0, 330))))
    for name, header, rows in [
        ("customers.csv", ["id", "email", "country", "signup_date"], customers),
        ("orders.csv", ["id", "customer_id", "product_id", "order_date", "quantity", "amount"], orders),
        ("interactions.csv", ["customer_id", "product_id", "kind", "day"], interactions),
    ]:
        with open(os.path.join(out, name), "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(header)
            w.writerows(rows)
    print(f"data: generated {len(products)} products, {len(customers)} customers, {len(orders)} orders, "
          f"{len(interactions)} interactions")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "data")
