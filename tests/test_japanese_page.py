"""A Japanese article page, as HTML and as plain text, with the shipped models: Japanese has no
spaces between words, and its paragraphs must still read as prose."""

from __future__ import annotations

import pageparts
import pytest

PARAGRAPHS = [
    "市議会は木曜日の夜、川沿いの住宅地を守るための新しい堤防の建設を賛成多数で承認した。"
    "工事は来年の春に始まり、二年かけて完成する予定だ。市によると、対象となる地域にはおよそ百四十世帯と二十の商店がある。",
    "この地域では過去三年間、雪解けの時期に川があふれ、住民が二度にわたって避難した。"
    "商店街で八百屋を営む男性は「毎年バケツで地下室の水をくみ出してきた。やっと安心して眠れる」と話した。",
    "堤防の高さは最大で二メートルとなり、川岸に沿って約一・二キロにわたって築かれる。"
    "費用の半分は国の補助金でまかない、残りは市の積立金と債券で支払うという。",
    "一方で、工事の間は川沿いの遊歩道が閉鎖されるため、散歩やジョギングを楽しむ市民からは不満の声も上がっている。"
    "市は迂回路を用意し、工事の進み具合を毎月ホームページで知らせると説明した。",
]
MENU = ["ホーム", "ニュース", "スポーツ", "文化", "ログイン"]
TITLE = "川沿いの新しい堤防、市議会が建設を承認"
RELATED = ["関連記事", "川の水位、観測史上二番目の高さに", "避難所の運営、ボランティアが支える"]
HTML = (
    '<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><title>'
    + TITLE
    + " | 河北日報</title></head><body><header><nav><ul>"
    + "".join(f'<li><a href="/{i}">{item}</a></li>' for i, item in enumerate(MENU))
    + f"</ul></nav></header><main><article><h1>{TITLE}</h1>"
    + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    + f"</article><aside><h2>{RELATED[0]}</h2><ul>"
    + "".join(f'<li><a href="/a{i}">{r}</a></li>' for i, r in enumerate(RELATED[1:]))
    + "</ul></aside></main><footer><p>© 2024 河北日報</p></footer></body></html>"
)
TEXT = "\n\n".join([*MENU, TITLE, *PARAGRAPHS, *RELATED, "© 2024 河北日報"]) + "\n"


@pytest.mark.parametrize(("content", "input_format"), [(HTML, "html"), (TEXT, "text")])
def test_the_paragraphs_of_a_japanese_article_are_body_and_its_menu_is_not(content, input_format):
    document = pageparts.classify(content.encode(), input_format=input_format)
    label = {block.text: block.label for block in document.blocks}
    assert [label[p] for p in PARAGRAPHS] == ["body"] * len(PARAGRAPHS)
    assert label[TITLE] == "headline"
    assert "body" not in {label[item] for item in MENU}
