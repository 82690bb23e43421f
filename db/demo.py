"""Generates realistic, reproducible demo data.

``seed_demo`` fills an empty database with members, the applications they came from, the
applications still waiting or turned down, the February member survey and introductions.
The same seed and the same ``today`` always give the same rows: every random choice comes
from ``random.Random(seed)`` or ``numpy.random.default_rng(seed)``, never from the clock.

Growth: 18 months of history end the day before ``today``. The cumulative share of members
follows a launch burst (founding members in the first two weeks) and then a smooth monotone
cubic curve that is anchored so the membership passes 200/240 of the final size in the
middle of a February (the network's February survey had 200 members), and keeps growing at
a steady pace until today. Join dates are drawn by stratified sampling of that curve, so the
monthly counts follow it closely; a final adjustment makes the crossing month exact.

Rows are built as plain dicts with the primary keys assigned here and written with bulk
inserts in one write transaction, so 100,000 members take seconds, not minutes.
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import jaconv
import numpy as np
from sqlalchemy import Engine, func, insert, select, text
from sqlalchemy.orm import Session

from core import vocab
from core.normalize import normalize_email, normalize_name
from db.engine import write_session
from db.models import (
    Application,
    ApplicationAnswer,
    Introduction,
    Member,
    ScreeningQuestion,
    Survey,
    SurveyChoice,
    SurveyOption,
    SurveyResponse,
)
from db.screening import ensure_default_questions

CHUNK_SIZE = 5_000
HISTORY_MONTHS = 18
REFERENCE_MEMBERS = 240  # the default size; the survey month is where this many passes 200
REFERENCE_THRESHOLD = 200
JST = dt.timedelta(hours=9)

SURVEY_QUESTION = "ネットワークに期待することは？（複数選択可）"
SURVEY_OPTIONS = (
    "ビジネスマッチング",
    "メンバー紹介＆交流イベント",
    "勉強会・セミナー",
    "キャリア相談",
    "情報交換（業界動向）",
    "同窓会的な懇親",
    "その他",
)
# Probability that a respondent ticks each option (same order as SURVEY_OPTIONS).
SURVEY_PICK_RATES = (0.72, 0.58, 0.27, 0.17, 0.24, 0.13, 0.05)
SURVEY_RESPONSE_RATE = 0.45
SURVEY_OTHER_KEY = "その他の内容"
SURVEY_COMMENT_KEY = "ご意見・ご要望"

INELIGIBLE_COMPANY = "その他"
PROFILE_KEYS = ("former_company", "current_employer", "industry_code", "region", "needs", "offers")
DECIDERS = ("organizer", "organizer", "organizer", "admin")


@dataclass
class DemoResult:
    """What seed_demo added (all zero and skipped=True when the database already had members)."""

    members: int = 0
    left_members: int = 0
    applications: int = 0
    application_answers: int = 0
    screening_questions: int = 0
    surveys: int = 0
    survey_options: int = 0
    survey_responses: int = 0
    survey_choices: int = 0
    introductions: int = 0
    survey_held_on: dt.date | None = None
    skipped: bool = False


# --------------------------------------------------------------------------------------------
# Name material: (kanji, katakana reading, romanisation)

FAMILY_NAMES: tuple[tuple[str, str, str], ...] = (
    ("佐藤", "サトウ", "sato"), ("鈴木", "スズキ", "suzuki"), ("高橋", "タカハシ", "takahashi"),
    ("田中", "タナカ", "tanaka"), ("伊藤", "イトウ", "ito"), ("渡辺", "ワタナベ", "watanabe"),
    ("山本", "ヤマモト", "yamamoto"), ("中村", "ナカムラ", "nakamura"), ("小林", "コバヤシ", "kobayashi"),
    ("加藤", "カトウ", "kato"), ("吉田", "ヨシダ", "yoshida"), ("山田", "ヤマダ", "yamada"),
    ("佐々木", "ササキ", "sasaki"), ("山口", "ヤマグチ", "yamaguchi"), ("松本", "マツモト", "matsumoto"),
    ("井上", "イノウエ", "inoue"), ("木村", "キムラ", "kimura"), ("林", "ハヤシ", "hayashi"),
    ("斎藤", "サイトウ", "saito"), ("清水", "シミズ", "shimizu"), ("山崎", "ヤマザキ", "yamazaki"),
    ("森", "モリ", "mori"), ("池田", "イケダ", "ikeda"), ("橋本", "ハシモト", "hashimoto"),
    ("阿部", "アベ", "abe"), ("石川", "イシカワ", "ishikawa"), ("山下", "ヤマシタ", "yamashita"),
    ("中島", "ナカジマ", "nakajima"), ("石井", "イシイ", "ishii"), ("小川", "オガワ", "ogawa"),
    ("前田", "マエダ", "maeda"), ("岡田", "オカダ", "okada"), ("長谷川", "ハセガワ", "hasegawa"),
    ("藤田", "フジタ", "fujita"), ("後藤", "ゴトウ", "goto"), ("近藤", "コンドウ", "kondo"),
    ("村上", "ムラカミ", "murakami"), ("遠藤", "エンドウ", "endo"), ("青木", "アオキ", "aoki"),
    ("坂本", "サカモト", "sakamoto"), ("斉藤", "サイトウ", "saito"), ("福田", "フクダ", "fukuda"),
    ("太田", "オオタ", "ota"), ("西村", "ニシムラ", "nishimura"), ("藤井", "フジイ", "fujii"),
    ("金子", "カネコ", "kaneko"), ("岡本", "オカモト", "okamoto"), ("藤原", "フジワラ", "fujiwara"),
    ("中野", "ナカノ", "nakano"), ("三浦", "ミウラ", "miura"), ("原田", "ハラダ", "harada"),
    ("中川", "ナカガワ", "nakagawa"), ("松田", "マツダ", "matsuda"), ("竹内", "タケウチ", "takeuchi"),
    ("小野", "オノ", "ono"), ("田村", "タムラ", "tamura"), ("中山", "ナカヤマ", "nakayama"),
    ("和田", "ワダ", "wada"), ("石田", "イシダ", "ishida"), ("森田", "モリタ", "morita"),
    ("上田", "ウエダ", "ueda"), ("原", "ハラ", "hara"), ("内田", "ウチダ", "uchida"),
    ("柴田", "シバタ", "shibata"), ("酒井", "サカイ", "sakai"), ("宮崎", "ミヤザキ", "miyazaki"),
    ("横山", "ヨコヤマ", "yokoyama"), ("高木", "タカギ", "takagi"), ("安藤", "アンドウ", "ando"),
    ("宮本", "ミヤモト", "miyamoto"), ("大野", "オオノ", "ono"), ("小島", "コジマ", "kojima"),
    ("谷口", "タニグチ", "taniguchi"), ("今井", "イマイ", "imai"), ("工藤", "クドウ", "kudo"),
    ("高田", "タカダ", "takada"), ("増田", "マスダ", "masuda"), ("丸山", "マルヤマ", "maruyama"),
    ("杉山", "スギヤマ", "sugiyama"), ("村田", "ムラタ", "murata"), ("大塚", "オオツカ", "otsuka"),
    ("小山", "コヤマ", "koyama"), ("藤本", "フジモト", "fujimoto"), ("平野", "ヒラノ", "hirano"),
    ("新井", "アライ", "arai"), ("上野", "ウエノ", "ueno"), ("野口", "ノグチ", "noguchi"),
    ("武田", "タケダ", "takeda"), ("松井", "マツイ", "matsui"), ("千葉", "チバ", "chiba"),
    ("岩崎", "イワサキ", "iwasaki"), ("菅原", "スガワラ", "sugawara"), ("木下", "キノシタ", "kinoshita"),
    ("久保", "クボ", "kubo"), ("佐野", "サノ", "sano"), ("野村", "ノムラ", "nomura"),
    ("松尾", "マツオ", "matsuo"), ("菊地", "キクチ", "kikuchi"), ("杉本", "スギモト", "sugimoto"),
    ("市川", "イチカワ", "ichikawa"), ("桑原", "クワハラ", "kuwahara"), ("堀", "ホリ", "hori"),
)

GIVEN_NAMES_MALE: tuple[tuple[str, str, str], ...] = (
    ("太郎", "タロウ", "taro"), ("健", "ケン", "ken"), ("翔太", "ショウタ", "shota"),
    ("大輔", "ダイスケ", "daisuke"), ("健太", "ケンタ", "kenta"), ("拓也", "タクヤ", "takuya"),
    ("誠", "マコト", "makoto"), ("浩", "ヒロシ", "hiroshi"), ("隆", "タカシ", "takashi"),
    ("直樹", "ナオキ", "naoki"), ("和也", "カズヤ", "kazuya"), ("達也", "タツヤ", "tatsuya"),
    ("亮", "リョウ", "ryo"), ("剛", "ツヨシ", "tsuyoshi"), ("修", "オサム", "osamu"),
    ("学", "マナブ", "manabu"), ("聡", "サトシ", "satoshi"), ("雄一", "ユウイチ", "yuichi"),
    ("健一", "ケンイチ", "kenichi"), ("哲也", "テツヤ", "tetsuya"), ("秀樹", "ヒデキ", "hideki"),
    ("智也", "トモヤ", "tomoya"), ("俊介", "シュンスケ", "shunsuke"), ("翔", "ショウ", "sho"),
    ("悠斗", "ユウト", "yuto"), ("陽介", "ヨウスケ", "yosuke"), ("洋平", "ヨウヘイ", "yohei"),
    ("康弘", "ヤスヒロ", "yasuhiro"), ("正樹", "マサキ", "masaki"), ("一郎", "イチロウ", "ichiro"),
    ("浩二", "コウジ", "koji"), ("英明", "ヒデアキ", "hideaki"), ("慎一", "シンイチ", "shinichi"),
    ("義之", "ヨシユキ", "yoshiyuki"), ("裕介", "ユウスケ", "yusuke"), ("雅人", "マサト", "masato"),
    ("大樹", "ダイキ", "daiki"), ("圭", "ケイ", "kei"), ("徹", "トオル", "toru"),
    ("淳", "ジュン", "jun"), ("信也", "シンヤ", "shinya"), ("和彦", "カズヒコ", "kazuhiko"),
)

GIVEN_NAMES_FEMALE: tuple[tuple[str, str, str], ...] = (
    ("陽子", "ヨウコ", "yoko"), ("恵子", "ケイコ", "keiko"), ("裕子", "ユウコ", "yuko"),
    ("美香", "ミカ", "mika"), ("真由美", "マユミ", "mayumi"), ("直子", "ナオコ", "naoko"),
    ("由美", "ユミ", "yumi"), ("智子", "トモコ", "tomoko"), ("久美子", "クミコ", "kumiko"),
    ("明美", "アケミ", "akemi"), ("さくら", "サクラ", "sakura"), ("彩", "アヤ", "aya"),
    ("愛", "アイ", "ai"), ("麻衣", "マイ", "mai"), ("美穂", "ミホ", "miho"),
    ("千尋", "チヒロ", "chihiro"), ("亜希子", "アキコ", "akiko"), ("香織", "カオリ", "kaori"),
    ("綾香", "アヤカ", "ayaka"), ("沙織", "サオリ", "saori"), ("奈々", "ナナ", "nana"),
    ("理恵", "リエ", "rie"), ("由紀", "ユキ", "yuki"), ("加奈子", "カナコ", "kanako"),
    ("美咲", "ミサキ", "misaki"), ("遥", "ハルカ", "haruka"), ("瞳", "ヒトミ", "hitomi"),
    ("典子", "ノリコ", "noriko"), ("洋子", "ヨウコ", "yoko"), ("友美", "トモミ", "tomomi"),
)

EMAIL_DOMAINS = ("example.jp", "example.com")

# Fictional employers: a stem and a suffix that fits the industry's major group.
EMPLOYER_STEMS = (
    "アオバ", "ミライエ", "ヒカリノ", "ツバサ", "カナデ", "ソラミ", "ハヤテ", "ナギサ", "コハク",
    "シオン", "アカツキ", "イロハ", "ミナトミライ", "カエデ", "アマネ", "トワイロ", "ヒバリ",
    "ワカバ", "コトノハ", "シロガネ", "アサギ", "ルリイロ", "ハルカゼ", "フタバ", "ユイマール",
    "東雲", "青葉台", "湊", "翠嶺", "暁星", "白樺", "若葉野", "朝凪", "北斗七", "千歳台",
    "常盤野", "小春日", "葵坂", "楓ヶ丘", "桜坂", "鳳凰台", "瑠璃山", "銀杏並木", "水無月",
)
EMPLOYER_SUFFIXES: dict[str, tuple[str, ...]] = {
    "E": ("電子工業", "精機", "製作所", "マテリアルズ", "エレクトロニクス", "デバイス", "光学"),
    "G": ("テクノロジー", "システムズ", "ソフトウェア", "ネットワークス", "ラボ", "デジタル", "メディア"),
    "L": ("コンサルティング", "パートナーズ", "デザイン", "リサーチ", "エンジニアリング", "アドバイザリー"),
    "J": ("キャピタル", "アセットマネジメント", "フィナンシャル", "保険サービス", "インベストメント"),
    "I": ("商事", "トレーディング", "リテール", "物産"),
    "K": ("不動産", "エステート", "リース"),
    "O": ("アカデミー", "エデュケーション", "スクール"),
    "P": ("メディカル", "ヘルスケア", "ケアサービス"),
    "R": ("スタッフィング", "ビジネスサービス", "キャリア"),
    "H": ("ロジスティクス", "運輸"),
    "N": ("エンタテインメント", "プランニング"),
}
EMPLOYER_SUFFIXES_OTHER = ("ホールディングス", "サービス", "パートナーズ", "ワークス", "プロダクツ")
SELF_EMPLOYED = ("個人事業主", "フリーランス")

# JSIC medium groups weighted toward manufacturing, IT, professional services and finance.
INDUSTRY_WEIGHTS: dict[str, float] = {
    "28": 10, "29": 9, "30": 8, "27": 4, "26": 3, "31": 4, "25": 1.5, "16": 1.5, "32": 1.5, "09": 1,
    "39": 18, "40": 6, "37": 3, "38": 1.5, "41": 4,
    "72": 7, "74": 4, "71": 3, "73": 2.5,
    "62": 2.5, "65": 2.5, "66": 1, "67": 3.5, "64": 1,
    "54": 3, "55": 1, "59": 1, "61": 1,
    "91": 2, "92": 2, "81": 1.5, "82": 1.5, "83": 1, "80": 1.5, "68": 1, "69": 1, "70": 0.5,
    "44": 0.5, "93": 0.5, "98": 0.3,
}
INDUSTRY_OTHER_WEIGHT = 0.1

# Regions weighted toward the Tokyo area, Osaka and Aichi, with some members abroad.
REGION_WEIGHTS: dict[str, float] = {
    "13": 40, "14": 14, "27": 6, "23": 5, "11": 5, "12": 5, "abroad": 4,
    "40": 1.5, "04": 1.2, "28": 1.5, "26": 1.2, "01": 1, "22": 1, "20": 0.8, "43": 0.8,
    "42": 0.5, "44": 0.5, "46": 0.5, "08": 0.8, "34": 0.6,
}
REGION_OTHER_WEIGHT = 0.2

COMPANY_WEIGHTS: dict[str, float] = {
    "ソニー株式会社": 30, "ソニーグループ株式会社": 7, "ソニー・インタラクティブエンタテインメント": 7,
    "ソニー・ミュージックエンタテインメント": 5, "ソニーセミコンダクタソリューションズ": 8,
    "ソニー生命保険": 5, "ソニーマーケティング": 4, "ソニーネットワークコミュニケーションズ": 3,
    "ソニーイーエムシーエス": 4, "ソニーグローバルマニュファクチャリング＆オペレーションズ": 3,
}
COMPANY_OTHER_WEIGHT = 2

NEED_WEIGHTS: dict[str, float] = {
    "seeking_clients": 30, "partnership": 18, "peer_exchange": 16, "seeking_advice": 12,
    "hiring": 12, "seeking_vendors": 8, "seeking_investment": 4,
}
OFFER_WEIGHTS: dict[str, float] = {
    "can_advise": 22, "peer_exchange": 18, "can_take_work": 18, "partnership": 16,
    "can_buy_or_introduce": 12, "open_to_roles": 10, "investor": 3,
}
TAG_COUNTS = (0, 1, 2, 3)
TAG_COUNT_CUM_WEIGHTS = (15, 50, 83, 100)

DIVISIONS = (
    "研究開発本部", "半導体事業本部", "ゲーム事業部", "モバイルコミュニケーションズ事業本部",
    "ホームエンタテインメント＆サウンド事業本部", "イメージング事業本部", "経理部", "人事部",
    "法務部", "知的財産部", "品質保証部", "国内営業本部", "海外営業本部", "デザインセンター",
    "生産技術部", "情報システム部", "経営企画部", "広報部", "コンテンツ制作部", "商品企画部",
)

PURPOSE_ANSWERS = (
    "ビジネスマッチングを通じて新しい取引先を探したいと考えています。",
    "独立して事業を始めたので、OB・OGの方と協業の機会を探しています。",
    "同じ業界で働く元同僚と情報交換をしたいです。",
    "採用に力を入れており、ソニー出身の方とつながりたいと考えています。",
    "キャリアについて相談できる相手を見つけたいです。",
    "スタートアップを経営しており、出資や事業提携の相談をしたいです。",
    "在籍時の仲間と再びつながり、互いの仕事に役立てたいと思っています。",
    "技術顧問として支援できる先を探しています。",
    "勉強会やイベントに参加して、視野を広げたいです。",
    "地方で事業をしており、首都圏の方とのつながりを作りたいです。",
    "海外在住のため、日本とのビジネスの接点を持ちたいです。",
    "元同僚の紹介で知りました。業界を越えた交流に期待しています。",
    "発注先を探しており、信頼できるOB・OGの会社にお願いしたいです。",
    "副業で力になれる場面があれば協力したいです。",
)
SPAM_PURPOSE = "弊社サービスをご紹介したく申し込みました。"

SURVEY_OTHER_TEXTS = (
    "地方在住者向けのオンライン交流", "副業案件の紹介", "海外メンバーとの交流",
    "技術者同士の勉強会", "子育て世代の情報交換",
)
SURVEY_COMMENTS = (
    "業種ごとの分科会があると嬉しいです。", "まずは気軽に話せる場が欲しいです。",
    "紹介の仕組みに期待しています。", "平日夜のオンライン開催を希望します。",
    "名刺交換だけで終わらない仕組みをお願いします。",
)

ON_HOLD_REASONS = (
    "在籍確認中（当時の上長に確認を依頼）",
    "回答内容について本人に確認中",
    "在籍期間の記載が曖昧なため追加情報を依頼",
)
REJECTIONS = (
    ("ineligible_company", "グループ会社での在籍が確認できない（対象外の会社）"),
    ("not_working", "現在就業されていないため（現役の方が対象）"),
    ("unverifiable", "在籍を確認できる情報が得られなかった"),
    ("solicitation", "営業・勧誘目的と判断"),
)
INTRO_STATUS_WEIGHTS = {"proposed": 20, "introduced": 25, "met": 20, "closed": 35}
# An introduction still open reached its current step recently (days before today).
INTRO_OPEN_WINDOW_DAYS = {"proposed": 21, "introduced": 45, "met": 100}
INTRO_OUTCOMES: dict[str, tuple[tuple[str, float], ...]] = {
    "seeking_clients": (("deal", 0.55), ("no_fit", 0.3), ("partnership", 0.15)),
    "seeking_vendors": (("deal", 0.55), ("no_fit", 0.3), ("partnership", 0.15)),
    "hiring": (("hire", 0.5), ("no_fit", 0.5)),
    "seeking_investment": (("deal", 0.4), ("no_fit", 0.6)),
    "partnership": (("partnership", 0.6), ("no_fit", 0.4)),
}
INTRO_OUTCOMES_OTHER = (("no_fit", 0.5), ("partnership", 0.3), ("deal", 0.2))


# --------------------------------------------------------------------------------------------
# Entry point


def seed_demo(
    engine: Engine, members: int = 240, seed: int = 7, today: dt.date | None = None
) -> DemoResult:
    """Add demo data to a database without members; with members already there, add nothing."""
    if members < 1:
        raise ValueError("members must be at least 1")
    today = today or dt.date.today()
    with write_session(engine) as session:
        if session.scalar(select(Member.id).limit(1)) is not None:
            return DemoResult(skipped=True)
        builder = _Builder(session, members=members, seed=seed, today=today)
        return builder.run()


# --------------------------------------------------------------------------------------------
# Small helpers


def _add_months(day: dt.date, months: int) -> dt.date:
    years, month0 = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month0 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _utc(day: dt.date, minute_of_day: int) -> dt.datetime:
    """A Tokyo wall-clock time on ``day`` as the naive UTC datetime the columns hold."""
    return dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minute_of_day) - JST


def _jst_date(moment: dt.datetime) -> dt.date:
    return (moment + JST).date()


def _full_width(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


def _weighted(keys: Sequence[str], weights: dict[str, float], default: float) -> tuple[list[str], list[float]]:
    """The keys and their cumulative weights (for ``random.choices(..., cum_weights=...)``)."""
    return list(keys), list(itertools.accumulate(weights.get(key, default) for key in keys))


def _scaled(base: int, factor: float) -> int:
    return max(1, round(base * factor))


def _chunks(rows: list[dict[str, Any]], size: int = CHUNK_SIZE) -> Iterable[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _hermite(s: np.ndarray, y0: float, y1: float, m0: float, m1: float, length: float) -> np.ndarray:
    h00 = 2 * s**3 - 3 * s**2 + 1
    h10 = s**3 - 2 * s**2 + s
    h01 = -2 * s**3 + 3 * s**2
    h11 = s**3 - s**2
    return h00 * y0 + h10 * length * m0 + h01 * y1 + h11 * length * m1


def growth_curve(days: int, anchor_day: float, anchor_share: float) -> np.ndarray:
    """Cumulative share of members at the end of each day of the history (last value 1.0).

    Founding members arrive in a burst over the first two weeks (10 %); from there a monotone
    cubic Hermite curve passes ``anchor_share`` at ``anchor_day`` and reaches 1.0 on the last
    day. The slope at the anchor is the harmonic mean of the average slopes before and after
    it, which keeps the curve monotone (an S-curve when the anchor is late, a launch burst
    followed by steady growth when it is early).
    """
    burst_share, burst_days = 0.10, 14.0
    x = np.arange(1, days + 1, dtype=float)
    slope_before = (anchor_share - burst_share) / (anchor_day - burst_days)
    slope_after = (1.0 - anchor_share) / (days - anchor_day)
    slope_anchor = 2 * slope_before * slope_after / (slope_before + slope_after)
    burst = burst_share * (1 - np.exp(-x / 3.0)) / (1 - math.exp(-burst_days / 3.0))
    before = _hermite(
        (x - burst_days) / (anchor_day - burst_days),
        burst_share, anchor_share, 0.6 * slope_before, slope_anchor, anchor_day - burst_days,
    )
    after = _hermite(
        (x - anchor_day) / (days - anchor_day),
        anchor_share, 1.0, slope_anchor, slope_after, days - anchor_day,
    )
    curve = np.where(x <= burst_days, burst, np.where(x <= anchor_day, before, after))
    curve = np.maximum.accumulate(np.clip(curve, 0.0, 1.0))
    curve[-1] = 1.0
    return curve


def survey_february(launch: dt.date, today: dt.date) -> dt.date:
    """The 1st of the February in which membership passes the survey size.

    The latest February that leaves three months of history before it and six weeks after
    it; an 18-month history always holds one.
    """
    candidates = [
        dt.date(year, 2, 1)
        for year in range(launch.year, today.year + 1)
        if (dt.date(year, 2, 1) - launch).days >= 90 and (today - dt.date(year, 3, 1)).days >= 45
    ]
    if candidates:
        return candidates[-1]
    return dt.date(today.year - 1, 2, 1)  # unreachable with an 18-month history


# --------------------------------------------------------------------------------------------
# The builder


@dataclass
class _Person:
    full_name: str
    name_kana: str
    email: str
    romaji: tuple[str, str] = ("", "")  # (given, family)


class _Builder:
    def __init__(self, session: Session, *, members: int, seed: int, today: dt.date) -> None:
        self.session = session
        self.n = members
        self.today = today
        self.rng = random.Random(seed)
        self.np_rng = np.random.default_rng(seed)
        self.result = DemoResult()
        self.launch = _add_months(today, -HISTORY_MONTHS)
        self.days = (today - self.launch).days  # history covers launch .. today - 1
        self.yesterday = today - dt.timedelta(days=1)
        self.emails: set[str] = set()
        self.name_keys: dict[str, str] = {}
        self.scale = math.sqrt(members / REFERENCE_MEMBERS) if members >= REFERENCE_MEMBERS else (
            members / REFERENCE_MEMBERS
        )
        self.threshold = max(1, round(members * REFERENCE_THRESHOLD / REFERENCE_MEMBERS))

        self.companies = [company.name_ja for company in vocab.group_companies()]
        _, self.company_weights = _weighted(self.companies, COMPANY_WEIGHTS, COMPANY_OTHER_WEIGHT)
        mediums = [code for code, ind in vocab.industries().items() if ind.level == "medium" and code != "99"]
        self.industries, self.industry_weights = _weighted(mediums, INDUSTRY_WEIGHTS, INDUSTRY_OTHER_WEIGHT)
        self.regions, self.region_weights = _weighted(
            [region.code for region in vocab.regions()], REGION_WEIGHTS, REGION_OTHER_WEIGHT
        )
        self.need_tags, self.need_weights = _weighted(vocab.need_tags(), NEED_WEIGHTS, 3)
        self.offer_tags, self.offer_weights = _weighted(vocab.offer_tags(), OFFER_WEIGHTS, 3)

    # ---- ids -------------------------------------------------------------------------------

    def _next_id(self, model: type) -> int:
        return (self.session.scalar(select(func.max(model.id))) or 0) + 1

    def _insert(self, model: type, rows: list[dict[str, Any]]) -> None:
        # A Core insert on the table: every row has the same keys and its primary key, so each
        # chunk is a single executemany (the ORM bulk path would regroup rows by None columns).
        statement = insert(model.__table__)
        for chunk in _chunks(rows):
            self.session.execute(statement, chunk)

    # ---- people ----------------------------------------------------------------------------

    def _person(self, *, capitalise: float = 0.05) -> _Person:
        rng = self.rng
        family = rng.choice(FAMILY_NAMES)
        given = rng.choice(GIVEN_NAMES_MALE) if rng.random() < 0.72 else rng.choice(GIVEN_NAMES_FEMALE)
        email = self._unique_email(given[2], family[2])
        if rng.random() < capitalise:
            local, domain = email.split("@")
            email = ".".join(part.capitalize() for part in local.split(".")) + "@" + domain
        return _Person(
            full_name=f"{family[0]} {given[0]}",
            name_kana=f"{family[1]} {given[1]}",
            email=email,
            romaji=(given[2], family[2]),
        )

    def _unique_email(self, given: str, family: str) -> str:
        rng = self.rng
        for _ in range(40):
            style = rng.random()
            domain = rng.choice(EMAIL_DOMAINS)
            if style < 0.45:
                local = f"{given[0]}.{family}.{rng.randrange(1000, 10000)}"
            elif style < 0.7:
                local = f"{given}.{family}{rng.randrange(1, 100):02d}"
            elif style < 0.85:
                local = f"{family}.{given[0]}{rng.randrange(100, 10000)}"
            else:
                local = f"{given}{family[0]}{rng.randrange(1000, 100000)}"
            email = f"{local}@{domain}"
            if email not in self.emails:
                self.emails.add(email)
                return email
        counter = len(self.emails)
        while True:
            email = f"{given[0]}.{family}.{counter}@example.jp"
            if email not in self.emails:
                self.emails.add(email)
                return email
            counter += 1

    def _name_key(self, name: str) -> str:
        key = self.name_keys.get(name)
        if key is None:
            key = self.name_keys[name] = normalize_name(name)
        return key

    def _profile(self) -> dict[str, Any]:
        """Employer, industry, region, former company and tags of one person."""
        rng = self.rng
        industry = rng.choices(self.industries, cum_weights=self.industry_weights)[0] if rng.random() > 0.03 else None
        return {
            "former_company": rng.choices(self.companies, cum_weights=self.company_weights)[0],
            "current_employer": self._employer(industry),
            "industry_code": industry,
            "region": rng.choices(self.regions, cum_weights=self.region_weights)[0],
            "needs": self._tags(self.need_tags, self.need_weights),
            "offers": self._tags(self.offer_tags, self.offer_weights),
        }

    def _employer(self, industry: str | None) -> str:
        rng = self.rng
        major = vocab.major_of(industry)
        if major in ("L", "G") and rng.random() < 0.06:
            return rng.choice(SELF_EMPLOYED)
        stem = rng.choice(EMPLOYER_STEMS)
        suffix = rng.choice(EMPLOYER_SUFFIXES.get(major or "", EMPLOYER_SUFFIXES_OTHER))
        form = rng.random()
        if form < 0.62:
            return f"株式会社{stem}{suffix}"
        if form < 0.94:
            return f"{stem}{suffix}株式会社"
        return f"合同会社{stem}{suffix}"

    def _tags(self, tags: list[str], weights: list[float]) -> list[str]:
        rng = self.rng
        count = rng.choices(TAG_COUNTS, cum_weights=TAG_COUNT_CUM_WEIGHTS)[0]
        chosen: list[str] = []
        while len(chosen) < min(count, len(tags)):
            tag = rng.choices(tags, cum_weights=weights)[0]
            if tag not in chosen:
                chosen.append(tag)
        return chosen

    # ---- screening answers -----------------------------------------------------------------

    def _questions(self) -> list[tuple[int, bool]]:
        """(id, required) of the active screening questions, creating the defaults if none exist."""
        existing = self.session.execute(
            select(ScreeningQuestion.id, ScreeningQuestion.required, ScreeningQuestion.is_active).order_by(
                ScreeningQuestion.position, ScreeningQuestion.id
            )
        ).all()
        if not existing:
            self.result.screening_questions = ensure_default_questions(self.session)
            return self._questions()
        return [(row.id, row.required) for row in existing if row.is_active]

    def _confirmation(self, company: str | None, submitted: dt.datetime) -> str:
        rng = self.rng
        last_year = _jst_date(submitted).year - 1
        start = rng.randint(1985, max(1985, last_year - 3))
        end = min(last_year, start + rng.randint(3, 22))
        boss = rng.choice(FAMILY_NAMES)[0]
        division = rng.choice(DIVISIONS)
        company = company or "ソニー"
        if rng.random() < 0.6:
            return f"{start}年〜{end}年、{company} {division}に在籍。当時の上長は{boss}さんです。"
        return f"{company} {division}（{start}年入社、{end}年退職）。同じ部署だった{boss}さんが会員です。"

    def _answers(
        self, app_id: int, company: str | None, submitted: dt.datetime, *, blank: bool = False,
        purpose: str | None = None,
    ) -> None:
        for position, (question_id, required) in enumerate(self.questions):
            if position == 0:
                text = purpose or self.rng.choice(PURPOSE_ANSWERS)
            elif position == 1:
                text = self._confirmation(company, submitted)
            else:
                text = "特になし"
            if blank and required and position >= min(1, len(self.questions) - 1):
                text = ""
            self.answer_rows.append(
                {"id": 0, "application_id": app_id, "question_id": question_id, "answer": text}
            )

    # ---- members ---------------------------------------------------------------------------

    def _join_days(self) -> tuple[np.ndarray, int, int]:
        """Day offsets (from launch) of every member's join, and the survey February's bounds."""
        n, days = self.n, self.days
        feb = survey_february(self.launch, self.today)
        feb_start = (feb - self.launch).days
        feb_end = (dt.date(feb.year, 3, 1) - self.launch).days - 1
        share = self.threshold / n
        curve = growth_curve(days, anchor_day=feb_start + 14.5, anchor_share=share)
        u = (np.arange(n) + self.np_rng.random(n)) / n
        joins = np.minimum(np.searchsorted(curve, u, side="left"), days - 1).astype(np.int64)
        # Exact crossing month: below the threshold at the end of January.
        before = int(np.count_nonzero(joins < feb_start))
        excess = before - max(0, self.threshold - 3)
        if excess > 0:
            late = np.flatnonzero(joins < feb_start)[-excess:]
            joins[late] = self.np_rng.integers(feb_start, feb_end + 1, size=late.size)
        return np.sort(joins), feb_start, feb_end

    def _build_members(self) -> None:
        rng = self.rng
        joins, feb_start, feb_end = self._join_days()
        n = self.n
        # A few members leave (~3 %), at least 30 days after joining.
        left = np.full(n, -1, dtype=np.int64)
        eligible = [i for i in range(n) if joins[i] <= self.days - 61]
        for i in rng.sample(eligible, min(len(eligible), round(n * 0.03))):
            left[i] = joins[i] + rng.randint(30, self.days - 1 - int(joins[i]))
        # Exact crossing month: at or above the threshold at the end of February.
        active = int(np.count_nonzero((joins <= feb_end) & ((left < 0) | (left > feb_end))))
        deficit = self.threshold + 2 - active
        if deficit > 0:
            later = np.flatnonzero(joins > feb_end)[:deficit]
            joins[later] = self.np_rng.integers(feb_start, feb_end + 1, size=later.size)
        minutes = [rng.randint(9 * 60, 23 * 60 - 1) for _ in range(n)]
        order = sorted(range(n), key=lambda i: (int(joins[i]), minutes[i]))

        self.feb_start = self.launch + dt.timedelta(days=feb_start)
        self.feb_end = self.launch + dt.timedelta(days=feb_end)
        first_member = self._next_id(Member)
        self.members: list[dict[str, Any]] = []
        self.member_romaji: list[tuple[str, str]] = []
        self.member_apps: list[dict[str, Any]] = []
        for rank, i in enumerate(order):
            member_id = first_member + rank
            joined_on = self.launch + dt.timedelta(days=int(joins[i]))
            decided_at = _utc(joined_on, minutes[i])
            left_on = self.launch + dt.timedelta(days=int(left[i])) if left[i] >= 0 else None
            person = self._person()
            self.member_romaji.append(person.romaji)
            profile = self._profile()
            matching = rng.random() < 0.75
            introduction = rng.random() < (0.75 if matching else 0.15)
            self.members.append(
                {
                    "id": member_id,
                    "email": person.email,
                    "email_normalized": normalize_email(person.email),
                    "full_name": person.full_name,
                    "name_kana": person.name_kana,
                    "name_normalized": self._name_key(person.full_name),
                    "joined_on": joined_on,
                    "left_on": left_on,
                    **profile,
                    "matching_opt_in": matching,
                    "introduction_opt_in": introduction,
                    "erased": False,
                    "erased_at": None,
                    "created_at": decided_at,
                    "updated_at": _utc(left_on, 12 * 60) if left_on else decided_at,
                }
            )
            wait = dt.timedelta(minutes=rng.choices((8, 30, 60, 120), (2, 5, 3, 1))[0] * 60 + rng.randint(0, 1200))
            submitted = decided_at - wait
            referrer = None
            if rank > 10 and rng.random() < 0.2:
                referrer = self.members[rng.randrange(rank)]["full_name"]
            self.member_apps.append(
                self._application(
                    person, profile, submitted=submitted, status="approved", decided_at=decided_at,
                    member_id=member_id, referrer=referrer,
                )
            )
        self.result.members = n
        self.result.left_members = int(np.count_nonzero(left >= 0))

    # ---- applications ----------------------------------------------------------------------

    def _application(
        self,
        person: _Person,
        profile: dict[str, Any],
        *,
        submitted: dt.datetime,
        status: str,
        decided_at: dt.datetime | None = None,
        member_id: int | None = None,
        referrer: str | None = None,
        consent: bool = True,
        working: bool = True,
        source: str | None = None,
        category: str | None = None,
        reason: str | None = None,
    ) -> dict[str, Any]:
        rng = self.rng
        source = source or ("form" if rng.random() < 0.7 else "import")
        created_at = submitted
        if source == "import":
            created_at = submitted + dt.timedelta(minutes=rng.randint(120, 32 * 60))
            if decided_at is not None:
                created_at = min(created_at, decided_at - dt.timedelta(minutes=5))
            created_at = max(created_at, submitted)
            created_at = min(created_at, _utc(self.today, 0) - dt.timedelta(minutes=1))
        return {
            "id": 0,
            "source": source,
            "source_key": None,
            "submitted_at": submitted,
            "email": person.email,
            "email_normalized": normalize_email(person.email),
            "full_name": person.full_name,
            "name_kana": person.name_kana,
            "name_normalized": self._name_key(person.full_name),
            "former_company": profile["former_company"],
            "former_division": rng.choice(DIVISIONS) if rng.random() < 0.9 else None,
            "currently_working": working,
            "current_employer": profile["current_employer"] if working else None,
            "industry_code": profile["industry_code"],
            "region": profile["region"],
            "referrer": referrer,
            "consent_at": submitted if consent else None,
            "needs": profile["needs"],
            "offers": profile["offers"],
            "status": status,
            "decided_by": rng.choice(DECIDERS) if decided_at is not None else None,
            "decided_at": decided_at,
            "decision_category": category,
            "decision_reason": reason,
            "override_reason": None,
            "duplicate_of_application_id": None,
            "duplicate_of_member_id": None,
            "member_id": member_id,
            "version": 1,
            "created_at": created_at,
            # private keys, removed before insert
            "_blank": False,
            "_purpose": None,
            "_dup_of_app": None,
        }

    def _moment(self, days_ago_low: float, days_ago_high: float) -> dt.datetime:
        """A Tokyo daytime moment between the given numbers of days before today (never today)."""
        days_ago = self.rng.uniform(max(1.0, days_ago_low), max(1.0, days_ago_high))
        day = self.today - dt.timedelta(days=int(days_ago))
        day = max(day, self.launch)
        return _utc(day, self.rng.randint(7 * 60, 23 * 60 + 50))

    def _decided(self, submitted: dt.datetime, low_days: float, high_days: float) -> dt.datetime:
        limit = _utc(self.today, 0) - dt.timedelta(minutes=10)
        moment = submitted + dt.timedelta(minutes=round(self.rng.uniform(low_days, high_days) * 1440))
        return max(submitted + dt.timedelta(minutes=10), min(moment, limit))

    def _build_other_applications(self) -> list[dict[str, Any]]:
        rng = self.rng
        scale = self.scale
        history = float(self.days)
        apps: list[dict[str, Any]] = []

        # Pending: mostly recent, a quarter waiting long; some not ready to approve.
        pending_count = _scaled(15, scale)
        issues = (
            ["blank"] * _scaled(3, scale) + ["no_consent"] * _scaled(2, scale)
            + ["other_company"] * _scaled(1, scale) + ["not_working"] * _scaled(1, scale)
            + ["same_email"] * _scaled(2, scale)
        )
        issues = issues[:pending_count] + ["ok"] * max(0, pending_count - len(issues))
        rng.shuffle(issues)
        pending_ok: list[dict[str, Any]] = []
        for issue in issues:
            waiting_long = rng.random() < 0.25
            submitted = self._moment(21, 80) if waiting_long else self._moment(1, 14)
            if issue == "same_email":
                member = self._member_for_duplicate(submitted)
                if member is not None:
                    person = self._variant_of(member, "email_case")
                    profile = {key: member[key] for key in PROFILE_KEYS}
                    apps.append(self._application(person, profile, submitted=submitted, status="pending"))
                    continue
            profile = self._profile()
            person = self._person()
            if issue == "other_company":
                profile["former_company"] = INELIGIBLE_COMPANY
            app = self._application(
                person, profile, submitted=submitted, status="pending",
                consent=issue != "no_consent", working=issue != "not_working",
                source="import" if issue == "no_consent" else None,
            )
            app["_blank"] = issue == "blank"
            apps.append(app)
            if issue == "ok":
                pending_ok.append(app)

        # On hold: put aside while the organizers check something.
        for index in range(_scaled(4, scale)):
            submitted = self._moment(10, 90)
            app = self._application(
                self._person(), self._profile(), submitted=submitted, status="on_hold",
                decided_at=self._decided(submitted, 1, 7), category="verifying",
                reason=rng.choice(ON_HOLD_REASONS),
            )
            app["_blank"] = index == 0
            apps.append(app)

        # Rejected, with a category and a reason.
        for index in range(_scaled(8, scale)):
            category, reason = REJECTIONS[index % len(REJECTIONS)]
            submitted = self._moment(5, history - 5)
            profile = self._profile()
            if category == "ineligible_company":
                profile["former_company"] = INELIGIBLE_COMPANY
            app = self._application(
                self._person(), profile, submitted=submitted, status="rejected",
                decided_at=self._decided(submitted, 1, 10), working=category != "not_working",
                category=category, reason=reason,
            )
            if category == "solicitation":
                app["_purpose"] = SPAM_PURPOSE
            if category == "unverifiable":
                app["_blank"] = True
            apps.append(app)

        # Duplicates of members (other letter case, full-width e-mail, hiragana reading) or of
        # an application still pending.
        variants = ("email_case", "email_full_width", "kana_hiragana", "application", "email_case")
        for index in range(_scaled(5, scale)):
            variant = variants[index % len(variants)]
            if variant == "application" and pending_ok:
                original = pending_ok.pop(rng.randrange(len(pending_ok)))
                submitted = original["submitted_at"] + dt.timedelta(minutes=rng.randint(120, 72 * 60))
                if submitted >= _utc(self.today, 0) - dt.timedelta(hours=1):
                    continue
                person = _Person(original["full_name"], original["name_kana"], original["email"].upper())
                profile = {key: original[key] for key in PROFILE_KEYS}
                app = self._application(
                    person, profile, submitted=submitted, status="duplicate",
                    decided_at=self._decided(submitted, 0.2, 3), category="duplicate",
                    reason="同じ方からの二重申込",
                )
                app["_dup_of_app"] = original
                apps.append(app)
                continue
            submitted = self._moment(3, history - 30)
            member = self._member_for_duplicate(submitted)
            if member is None:
                continue
            person = self._variant_of(member, "email_case" if variant == "application" else variant)
            profile = {key: member[key] for key in PROFILE_KEYS}
            app = self._application(
                person, profile, submitted=submitted, status="duplicate",
                decided_at=self._decided(submitted, 0.2, 3), category="duplicate",
                reason=f"既存会員（会員ID {member['id']}）と同一人物",
            )
            app["duplicate_of_member_id"] = member["id"]
            apps.append(app)

        # Withdrawn by the applicant.
        for _ in range(_scaled(4, scale)):
            submitted = self._moment(7, history - 5)
            apps.append(
                self._application(
                    self._person(), self._profile(), submitted=submitted, status="withdrawn",
                    decided_at=self._decided(submitted, 2, 20), category="withdrawn",
                    reason="本人より取り下げの連絡あり",
                )
            )
        return apps

    def _member_for_duplicate(self, submitted: dt.datetime) -> dict[str, Any] | None:
        """A member who joined at least a week before ``submitted`` and has not left."""
        joined = self._members_joined_by(_jst_date(submitted) - dt.timedelta(days=7))
        for _ in range(50):
            if joined == 0:
                return None
            member = self.members[self.rng.randrange(joined)]
            if member["left_on"] is None:
                return member
        return None

    def _members_joined_by(self, day: dt.date) -> int:
        low, high = 0, len(self.members)
        while low < high:
            mid = (low + high) // 2
            if self.members[mid]["joined_on"] <= day:
                low = mid + 1
            else:
                high = mid
        return low

    def _variant_of(self, member: dict[str, Any], variant: str) -> _Person:
        """The same person as ``member``, written differently."""
        email, full_name, kana = member["email"], member["full_name"], member["name_kana"]
        if variant == "email_case":
            local, domain = email.split("@")
            email = f"{local.title()}@{domain.upper()}" if self.rng.random() < 0.5 else email.upper()
        elif variant == "email_full_width":
            email = _full_width(email)
        elif variant == "kana_hiragana":
            family, _, given = full_name.partition(" ")
            full_name = f"{family}\u3000{given}"
            kana = jaconv.kata2hira(kana)
            email = self._unique_email(*self.member_romaji[member["id"] - self.members[0]["id"]])
        return _Person(full_name, kana, email)

    def _finish_applications(self, others: list[dict[str, Any]]) -> list[dict[str, Any]]:
        apps = self.member_apps + others
        apps.sort(key=lambda app: (app["submitted_at"], app["email"]))
        next_id = self._next_id(Application)
        for offset, app in enumerate(apps):
            app["id"] = next_id + offset
            if app["source"] == "import":
                app["source_key"] = f"demo-{app['id']}"
        for app in apps:
            original = app.pop("_dup_of_app")
            if original is not None:
                app["duplicate_of_application_id"] = original["id"]
        self.answer_rows: list[dict[str, Any]] = []
        for app in apps:
            blank = app.pop("_blank")
            purpose = app.pop("_purpose")
            self._answers(app["id"], app["former_company"], app["submitted_at"], blank=blank, purpose=purpose)
        next_answer = self._next_id(ApplicationAnswer)
        for offset, row in enumerate(self.answer_rows):
            row["id"] = next_answer + offset
        return apps

    # ---- survey ----------------------------------------------------------------------------

    def _crossing_day(self) -> dt.date:
        """The first day of the survey February on which active members reach the threshold."""
        day = self.feb_start
        while day <= self.feb_end:
            joined = self._members_joined_by(day)
            gone = sum(1 for m in self.members[:joined] if m["left_on"] is not None and m["left_on"] <= day)
            if joined - gone >= self.threshold:
                return day
            day += dt.timedelta(days=1)
        return self.feb_end

    def _build_survey(self) -> None:
        rng = self.rng
        held_on = max(self._crossing_day(), self.feb_start + dt.timedelta(days=9))
        survey_id = self._next_id(Survey)
        survey = {
            "id": survey_id,
            "title": f"{held_on.year}年2月 会員アンケート",
            "held_on": held_on,
            "channel": "Googleフォーム",
            "question": SURVEY_QUESTION,
            "multiple_choice": True,
            "kind": "responses",
            "created_at": _utc(held_on, 9 * 60),
            "free_text_questions": [SURVEY_OTHER_KEY, SURVEY_COMMENT_KEY],
        }
        first_option = self._next_id(SurveyOption)
        options = [
            {"id": first_option + position, "survey_id": survey_id, "label": label, "position": position,
             "vote_count": None}
            for position, label in enumerate(SURVEY_OPTIONS)
        ]
        closes = held_on + dt.timedelta(days=7)
        members = [
            m for m in self.members[: self._members_joined_by(held_on)]
            if m["left_on"] is None or m["left_on"] > closes
        ]
        respondents: list[dict[str, Any] | None] = [m for m in members if rng.random() < SURVEY_RESPONSE_RATE]
        respondents += [None] * max(1, round(len(respondents) * 0.06))  # anonymous answers
        outsiders = max(1, round(len(respondents) * 0.02))  # answered with an address we do not know
        rng.shuffle(respondents)

        picks: list[list[int]] = []
        for _ in respondents:
            chosen = [k for k, rate in enumerate(SURVEY_PICK_RATES) if rng.random() < rate]
            picks.append(chosen or [rng.choices((0, 1, 2), (5, 4, 1))[0]])
        self._rank_survey(picks)

        first_response = self._next_id(SurveyResponse)
        last_moment = _utc(self.today, 0) - dt.timedelta(minutes=1)
        responses, choices = [], []
        for index, (member, chosen) in enumerate(zip(respondents, picks, strict=True)):
            response_id = first_response + index
            submitted = _utc(held_on, 8 * 60) + dt.timedelta(minutes=rng.randint(0, 7 * 24 * 60))
            extra: dict[str, Any] = {}
            if 6 in chosen:
                extra[SURVEY_OTHER_KEY] = rng.choice(SURVEY_OTHER_TEXTS)
            if rng.random() < 0.06:
                extra[SURVEY_COMMENT_KEY] = rng.choice(SURVEY_COMMENTS)
            email = None
            if member is not None:
                email = member["email_normalized"]
            elif outsiders > 0 and index % 2 == 0:
                outsiders -= 1
                email = normalize_email(self._person().email)
            responses.append(
                {
                    "id": response_id,
                    "survey_id": survey_id,
                    "source_key": f"demo-{index + 1:06d}",
                    "submitted_at": min(submitted, last_moment),
                    "email_normalized": email,
                    "member_id": member["id"] if member is not None else None,
                    "extra_answers": extra,
                }
            )
            choices.extend({"response_id": response_id, "option_id": options[k]["id"]} for k in chosen)
        self._insert(Survey, [survey])
        self._insert(SurveyOption, options)
        self._insert(SurveyResponse, responses)
        self._insert(SurveyChoice, choices)
        self.result.surveys = 1
        self.result.survey_options = len(options)
        self.result.survey_responses = len(responses)
        self.result.survey_choices = len(choices)
        self.result.survey_held_on = held_on

    def _rank_survey(self, picks: list[list[int]]) -> None:
        """Make sure business matching leads, introductions come second, both well ahead.

        The pick rates already give that order; this only tops up a very small survey.
        """
        tally = [0] * len(SURVEY_OPTIONS)
        for chosen in picks:
            for k in chosen:
                tally[k] += 1

        def satisfied(target: int) -> bool:
            if target == 1:
                rest = max(tally[2:])
                return tally[1] >= max(rest * 1.5, rest + 3)
            return tally[0] >= max(tally[1] * 1.1, tally[1] + 3)

        for target in (1, 0):
            for index in self.rng.sample(range(len(picks)), len(picks)):
                if satisfied(target):
                    break
                if target not in picks[index]:
                    picks[index].append(target)
                    picks[index].sort()
                    tally[target] += 1

    # ---- introductions ---------------------------------------------------------------------

    def _build_introductions(self) -> None:
        rng = self.rng
        wanted = max(1, round(self.n / 8))
        start = self.launch + dt.timedelta(days=45)
        pool = [
            m for m in self.members
            if m["introduction_opt_in"] and m["left_on"] is None and m["joined_on"] <= self.yesterday
        ]
        by_offer: dict[str, list[dict[str, Any]]] = {}
        for m in pool:
            for tag in m["offers"]:
                by_offer.setdefault(tag, []).append(m)
        seekers = [m for m in pool if m["needs"]]
        statuses = list(INTRO_STATUS_WEIGHTS)
        status_weights = list(INTRO_STATUS_WEIGHTS.values())
        rows: list[dict[str, Any]] = []
        pairs: set[tuple[int, int]] = set()
        attempts = 0
        while len(rows) < wanted and seekers and attempts < wanted * 30:
            attempts += 1
            a = rng.choice(seekers)
            need = rng.choice(a["needs"])
            candidates = by_offer.get(vocab.complement_of(need), [])
            if not candidates:
                continue
            b = rng.choice(candidates)
            pair = (min(a["id"], b["id"]), max(a["id"], b["id"]))
            if a["id"] == b["id"] or pair in pairs:
                continue
            row = self._introduction(a, b, need, rng.choices(statuses, status_weights)[0], start)
            if row is None:
                continue
            pairs.add(pair)
            rows.append(row)
        rows.sort(key=lambda row: (row["proposed_at"], row["member_a_id"], row["member_b_id"]))
        first = self._next_id(Introduction)
        for offset, row in enumerate(rows):
            row["id"] = first + offset
        self._insert(Introduction, rows)
        self.result.introductions = len(rows)

    def _introduction(
        self, a: dict[str, Any], b: dict[str, Any], need: str, status: str, start: dt.date
    ) -> dict[str, Any] | None:
        rng = self.rng
        outcome = None
        if status == "closed":
            table = INTRO_OUTCOMES.get(need, INTRO_OUTCOMES_OTHER)
            outcome = rng.choices([o for o, _ in table], [w for _, w in table])[0]
        steps = {"proposed": 0, "introduced": 1, "met": 2, "closed": 3}[status]
        skip_meeting = status == "closed" and outcome == "no_fit" and rng.random() < 0.3
        gaps = [
            dt.timedelta(minutes=rng.randint(1 * 1440, 10 * 1440)),
            dt.timedelta(minutes=rng.randint(5 * 1440, 30 * 1440)),
            dt.timedelta(minutes=rng.randint(14 * 1440, 90 * 1440)),
        ][:steps]
        total = sum(gaps, dt.timedelta())
        earliest = max(a["joined_on"], b["joined_on"], start) + dt.timedelta(days=3)
        latest = _utc(self.today, 0) - dt.timedelta(hours=2) - total
        earliest_at = _utc(earliest, 9 * 60)
        if status in INTRO_OPEN_WINDOW_DAYS:
            earliest_at = max(earliest_at, latest - dt.timedelta(days=INTRO_OPEN_WINDOW_DAYS[status]))
        if earliest_at >= latest:
            return None
        span = int((latest - earliest_at).total_seconds() // 60)
        proposed = earliest_at + dt.timedelta(minutes=rng.randint(0, span))
        steps_at = [proposed]
        for gap in gaps:
            steps_at.append(steps_at[-1] + gap)
        moments: list[dt.datetime | None] = [*steps_at, None, None, None][:4]
        _, introduced, met, closed_at = moments
        if skip_meeting:
            met = None
        first, second = (a, b) if a["id"] < b["id"] else (b, a)
        offer = vocab.complement_of(need)
        reason = f"{vocab.tag_label(need)} ↔ {vocab.tag_label(offer)}"
        if vocab.industry_affinity(a["industry_code"], b["industry_code"]) >= 0.5:
            reason += "（業種が近い）"
        return {
            "id": 0,
            "member_a_id": first["id"],
            "member_b_id": second["id"],
            "status": status,
            "outcome": outcome,
            "need_tag": need,
            "reason": reason,
            "introduced_by": "organizer",
            "event_id": None,
            "event_round": None,
            "proposed_at": proposed,
            "introduced_at": introduced,
            "met_at": met,
            "outcome_at": closed_at,
            "version": 1,
        }

    # ---- run -------------------------------------------------------------------------------

    def run(self) -> DemoResult:
        self.questions = self._questions()
        self._build_members()
        others = self._build_other_applications()
        apps = self._finish_applications(others)
        self._insert(Member, self.members)
        self._insert(Application, apps)
        self._insert(ApplicationAnswer, self.answer_rows)
        self.result.applications = len(apps)
        self.result.application_answers = len(self.answer_rows)
        self._build_survey()
        self._build_introductions()
        self._advance_sequences()
        return self.result

    def _advance_sequences(self) -> None:
        """PostgreSQL: the rows came with their ids, so move each id sequence past them (SQLite needs nothing)."""
        if self.session.get_bind().dialect.name != "postgresql":
            return
        for model in (Member, Application, ApplicationAnswer, Survey, SurveyOption, SurveyResponse, Introduction):
            table = model.__table__.name
            self.session.execute(text(
                f"SELECT setval(pg_get_serial_sequence(:table, 'id'), coalesce(max(id), 1), max(id) IS NOT NULL) "
                f"FROM {table}"), {"table": table})
