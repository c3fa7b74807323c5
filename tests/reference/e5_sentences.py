"""Texts for the multilingual-e5-small reference test (tests/sql/e5_reference.sql): product
titles, reviews and queries in many scripts, plus awkward inputs (emoji, accents, mixed
scripts, whitespace, a text longer than one 512-token window)."""

LONG = " ".join(
    [
        "I bought these running shoes for a marathon training block and have now put about four hundred kilometres on them.",
        "The upper is breathable, the heel counter is firm, and the laces stay tied even in the rain.",
        "After the first month the foam lost a little of its bounce, but the grip on wet asphalt is still excellent.",
        "这双鞋在雨天的抓地力很好，但鞋垫有点薄，长距离跑步后脚底会累。",
        "Die Passform ist etwas schmal, deshalb empfehle ich eine halbe Nummer größer zu bestellen.",
    ]
    * 14
)

SENTENCES = [
    # product titles
    ("passage", "Nike Air Zoom Pegasus 40 Men's Road Running Shoes, Red/Black, Size 10"),
    ("passage", "耐克 男子 红色 跑步鞋 透气 轻便 缓震"),
    ("passage", "小米 Redmi Note 13 5G 手机 8GB+256GB 星沙白"),
    ("passage", "不锈钢保温杯 500毫升 24小时保温 保冷"),
    ("passage", "儿童 羽绒服 冬季 加厚 连帽 外套"),
    ("passage", "ソニー ワイヤレス ノイズキャンセリング ヘッドホン WH-1000XM5 ブラック"),
    ("passage", "무선 블루투스 이어폰 노이즈 캔슬링 화이트"),
    ("passage", "سماعات رأس لاسلكية بخاصية إلغاء الضوضاء"),
    ("passage", "Кроссовки мужские беговые, красные, размер 43"),
    ("passage", "Crème hydratante visage à l'acide hyaluronique, 50 ml"),
    ("passage", "Cafetera espresso automática con molinillo integrado"),
    ("passage", "Kaffeevollautomat mit Milchaufschäumer, Edelstahl"),
    ("passage", "Tênis de corrida feminino, leve e respirável"),
    ("passage", "Γυναικεία αθλητικά παπούτσια για τρέξιμο"),
    ("passage", "רמקול בלוטות' נייד עמיד במים"),
    ("passage", "जूते पुरुषों के लिए दौड़ने वाले लाल"),
    ("passage", "รองเท้าวิ่งผู้ชาย สีแดง น้ำหนักเบา"),
    ("passage", "Giày chạy bộ nam màu đỏ, siêu nhẹ"),
    ("passage", "Koşu ayakkabısı erkek kırmızı"),
    # reviews
    ("passage", "这个手机很好用，电池也耐用，拍照效果清晰，物流很快。"),
    ("passage", "质量太差了，用了两天就坏了，客服也不理人，非常失望。"),
    ("passage", "房间干净整洁，服务态度很好，早餐种类丰富，下次还会再来。"),
    ("passage", "這本書的翻譯很流暢，內容也很有啟發性。"),
    ("passage", "配送が早くて助かりました。品質も期待以上です。"),
    ("passage", "사이즈가 너무 작아서 반품했어요. 실망입니다."),
    ("passage", "Excellent produit, je le recommande vivement !"),
    ("passage", "Llegó roto y el vendedor no responde. No lo compren."),
    ("passage", "Отличный чайник, быстро кипятит и не шумит."),
    ("passage", "The battery died after a week and support never answered my emails."),
    ("passage", "Absolutely love this blender 😍🔥 makes smoothies in seconds!!!"),
    ("passage", "Five stars ⭐⭐⭐⭐⭐ would buy again 👍"),
    ("passage", "Naïve café résumé: the coöperative's façade was déjà vu."),
    ("passage", "Mixed: 这款 laptop 的 keyboard 很好用, but the screen is 有点暗."),
    ("passage", "Price: ¥199 / $27.50 / €25,90 — 30% off until 11/11!"),
    ("passage", "   leading and trailing   spaces   and\ttabs\nand newlines   "),
    ("passage", "ALL CAPS REVIEW: TERRIBLE QUALITY, DO NOT BUY"),
    ("passage", "a"),
    ("passage", "."),
    ("passage", "😀"),
    ("passage", ""),
    ("passage", "𠮷野家の牛丼は美味しい"),
    ("passage", "ﬁne ﬂour, ＦＵＬＬＷＩＤＴＨ letters and ① circled numbers"),
    ("passage", LONG),
    # search queries
    ("query", "红色跑鞋"),
    ("query", "red running shoes"),
    ("query", "保温杯"),
    ("query", "noise cancelling headphones"),
    ("query", "无线耳机"),
    ("query", "手机 大内存"),
    ("query", "ヘッドホン"),
    ("query", "кроссовки"),
    ("query", "how long does the battery last"),
    ("query", "儿童冬季外套"),
    ("query", "café"),
    ("query", ""),
    ("query", "这个手机很好用，电池也耐用"),
]
