"""Varied inputs for the reference test: product titles, reviews, search queries, non-ASCII text,
Chinese and Japanese, emoji, edge cases, and a 1000-word text that must truncate at 256 pieces."""

_LONG_WORDS = (
    "this jacket kept me warm on every winter walk and the zipper never stuck while the pockets "
    "held my phone keys and gloves without bulging the seams look strong the colour did not fade "
    "after ten washes and the hood fits over a hat"
).split()
LONG_TEXT = " ".join(_LONG_WORDS[i % len(_LONG_WORDS)] for i in range(1000))

SENTENCES = [
    # product titles
    "Nike Air Zoom Pegasus 40 Men's Road Running Shoes, Red/Black, Size 10",
    "Apple iPhone 15 Pro Max 256GB Natural Titanium (Unlocked)",
    "Organic Cold-Pressed Extra Virgin Olive Oil, 500 ml glass bottle",
    "Stainless steel 12-cup coffee maker with programmable timer",
    "Kids' waterproof rain boots with easy-pull handles - yellow",
    "LEGO Technic 42115 Lamborghini Sián FKP 37 building set",
    "USB-C to HDMI 2.1 adapter 8K@60Hz / 4K@144Hz",
    "Queen size 100% cotton bed sheet set, 400 thread count",
    "Yoga mat 6mm non-slip TPE with carrying strap",
    "Wireless noise-cancelling over-ear headphones, 30h battery",
    # reviews
    "Absolutely love these shoes! Comfortable from the first day and they look great.",
    "The coffee tasted burnt and the machine leaked water all over my counter. Returning it.",
    "Arrived two days late but the quality is excellent for the price.",
    "Meh. It works, I guess, but I expected more for $89.99.",
    "DO NOT BUY!!! Broke after one week, customer service never answered my emails.",
    "My daughter wears these boots every day, even when it isn't raining :)",
    "Five stars. Would order again.",
    "The size chart is wrong; order one size up.",
    "I wasn't sure at first, but after a month of use I'm really happy with it.",
    "Smells like chemicals, had to air it out for a week before using it.",
    # search queries
    "red shoes",
    "cheap wireless earbuds for running",
    "gift for dad who likes coffee",
    "waterproof jacket men xl",
    "gluten free pasta",
    "best laptop under 1000",
    "how to clean a cast iron pan",
    "organic baby food pouches",
    # non-ASCII Latin scripts
    "Crème brûlée au café, très délicieux !",
    "Schöne Grüße aus München – die Lieferung war pünktlich.",
    "Zapatos de cuero para niño, talla 32, envío gratis",
    "Ótimo produto, chegou antes do prazo. Recomendo!",
    "Ça ne marche pas du tout, je suis très déçu.",
    "Kaffeemaschine mit Mahlwerk für Espresso & Cappuccino",
    "Niedrigpreis: Ölfilter für VW Golf (Ø 76 mm)",
    "Привет! Отличный товар, спасибо продавцу.",
    "Ελληνικό γιαούρτι 2% λιπαρά",
    "مرحبا، المنتج وصل بحالة ممتازة",
    # CJK
    "红色连衣裙 夏季新款 女装",
    "这款耳机音质很好，佩戴也很舒服，推荐购买！",
    "质量太差了，用了两天就坏了。",
    "无线蓝牙鼠标 静音 办公用",
    "日本製の包丁はとても切れ味が良いです。",
    "한국 화장품 세트 선물용",
    # emoji and symbols
    "Love it 😍😍😍 best purchase ever 🎉",
    "🔥🔥🔥",
    "Great phone case 📱👍 but the color is off 🤷",
    "★★★★☆ 4/5 — would recommend",
    "Price: €49,99 (incl. VAT) → now £39.99!",
    # edge cases
    "",
    " ",
    "a",
    "?!",
    "1234567890",
    "SKU-000123-XL",
    "tab\tseparated\tvalues and\nnew lines",
    "ALL CAPS REVIEW THIS IS THE WORST BLENDER I HAVE EVER OWNED",
    "supercalifragilisticexpialidocious antidisestablishmentarianism",
    "<b>HTML</b> &amp; entities in a description",
    "the the the the the the the the the the the the the the the the",
    LONG_TEXT,
]
