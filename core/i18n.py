"""The one message catalogue: every user-visible string, Japanese and English side by side."""

from __future__ import annotations

from typing import Any

LANGUAGES = ("ja", "en")
DEFAULT_LANGUAGE = "ja"

MESSAGES: dict[str, tuple[str, str]] = {
    # frame
    "app.title": ("アルムナイ運営ダッシュボード", "Alumni organizer dashboard"),
    "app.language": ("表示言語", "Language"),
    "app.logout": ("ログアウト", "Log out"),
    "app.signed_in_as": ("{name}（{role}）でログイン中", "Signed in as {name} ({role})"),
    "app.demo_banner": (
        "デモモードです。表示されているデータはすべて架空のものです。",
        "Demo mode: all data shown here is fictional.",
    ),
    "app.section.overview": ("概要", "Overview"),
    "app.section.admin": ("管理", "Administration"),
    "app.no_permission": ("このページを表示する権限がありません。", "You do not have permission to view this page."),
    "role.admin": ("管理者", "Admin"),
    "role.organizer": ("運営", "Organizer"),
    "role.liaison": ("会社側窓口", "Company liaison"),
    # login
    "login.title": ("ログイン", "Log in"),
    "login.form": ("ログイン", "Log in"),
    "login.username": ("ユーザー名", "Username"),
    "login.password": ("パスワード", "Password"),
    "login.submit": ("ログイン", "Log in"),
    "login.intro": (
        "運営メンバーと会社側窓口のためのダッシュボードです。発行されたアカウントでログインしてください。",
        "The dashboard for organizers and the company liaison. Log in with the account you were given.",
    ),
    "login.demo_accounts": ("デモ用アカウント", "Demo accounts"),
    "login.demo_accounts_note": (
        "デモモードの間だけ表示されます。本番運用ではデモモードをオフにしてください。",
        "Shown only while demo mode is on. Turn demo mode off in production.",
    ),
    "login.success": ("ログインしました。画面を切り替えています…", "Logged in. Opening your pages…"),
    "auth.invalid_credentials": (
        "ユーザー名またはパスワードが正しくありません。",
        "The username or password is incorrect.",
    ),
    "auth.locked": (
        "ログインの失敗が続いたため、このアカウントは {until} までロックされています。時間をおいて再度お試しください。",
        "After repeated failed logins this account is locked until {until}. Please try again later.",
    ),
    "auth.session_ended": (
        "アカウントが無効になったため、ログアウトしました。",
        "Your account was disabled, so you have been logged out.",
    ),
    # home
    "home.title": ("ホーム", "Home"),
    "home.members": ("現在の会員数", "Current members"),
    "home.new_this_month": ("今月の新規入会", "New this month"),
    "home.pending": ("審査待ちの申込", "Applications waiting"),
    "home.oldest_waiting": ("最長の待ち日数", "Longest wait (days)"),
    "home.empty": (
        "まだ会員も申込もありません。申込が届くとここに数字が表示されます。",
        "No members or applications yet. Figures appear here once applications arrive.",
    ),
    "home.liaison_note": (
        "会社側窓口の方には集計値のみを表示しています。個人を特定できる情報は表示されません。",
        "The company liaison sees aggregate figures only; nothing that identifies a person.",
    ),
    "home.as_of": ("{date} 時点（日本時間）", "As of {date} (Japan time)"),
    # accounts (admin)
    "accounts.title": ("アカウント管理", "Accounts"),
    "accounts.list": ("アカウント一覧", "All accounts"),
    "accounts.col.username": ("ユーザー名", "Username"),
    "accounts.col.name": ("表示名", "Display name"),
    "accounts.col.role": ("権限", "Role"),
    "accounts.col.active": ("有効", "Active"),
    "accounts.col.locked_until": ("ロック解除予定", "Locked until"),
    "accounts.col.last_login": ("最終ログイン", "Last login"),
    "accounts.add": ("アカウントを追加", "Add an account"),
    "accounts.username_help": (
        "半角英小文字・数字・「._-」で3〜32文字",
        "3–32 characters: lower-case letters, digits and . _ -",
    ),
    "accounts.password": ("パスワード", "Password"),
    "accounts.password_repeat": ("パスワード（確認）", "Repeat the password"),
    "accounts.password_help": (
        "8文字以上、72バイト（全角なら24文字）以内",
        "At least 8 characters, at most 72 bytes (24 kanji)",
    ),
    "accounts.create": ("追加する", "Add"),
    "accounts.created": ("アカウント「{username}」を追加しました。", "Account “{username}” was added."),
    "accounts.edit": ("アカウントを編集", "Edit an account"),
    "accounts.pick": ("対象のアカウント", "Account"),
    "accounts.change_role": ("権限を変更", "Change role"),
    "accounts.role_changed": ("「{username}」の権限を変更しました。", "The role of “{username}” was changed."),
    "accounts.reset_password": ("パスワードを再設定", "Reset password"),
    "accounts.password_reset": (
        "「{username}」のパスワードを再設定しました。ロックも解除されました。",
        "The password of “{username}” was reset and any lock was lifted.",
    ),
    "accounts.disable": ("無効にする", "Disable"),
    "accounts.enable": ("有効にする", "Enable"),
    "accounts.disabled": (
        "「{username}」を無効にしました。ログイン中の画面も次の操作でログアウトされます。",
        "“{username}” was disabled; an open session ends at its next action.",
    ),
    "accounts.enabled": ("「{username}」を有効にしました。", "“{username}” was enabled."),
    "accounts.demo_mode": ("デモモード", "Demo mode"),
    "accounts.demo_mode_help": (
        "オンの間はログイン画面にデモ用アカウントが表示されます。本番運用ではオフにしてください。",
        "While on, the login page lists the demo accounts. Turn it off in production.",
    ),
    "accounts.demo_mode_saved": ("デモモードの設定を保存しました。", "Demo mode setting saved."),
    "accounts.password_too_short": (
        "パスワードは{min}文字以上にしてください。",
        "The password must have at least {min} characters.",
    ),
    "accounts.password_too_long": (
        "パスワードが長すぎます。72バイト（全角なら24文字）以内にしてください。",
        "The password is too long: at most 72 bytes (24 kanji).",
    ),
    "accounts.password_spaces": (
        "パスワードの先頭と末尾に空白は使えません。",
        "The password cannot start or end with a space.",
    ),
    "accounts.passwords_differ": ("確認用のパスワードが一致しません。", "The two passwords differ."),
    "accounts.invalid_username": (
        "ユーザー名は半角英小文字・数字・「._-」で3〜32文字にしてください。",
        "Usernames have 3–32 characters: lower-case letters, digits and . _ -",
    ),
    "accounts.username_taken": (
        "ユーザー名「{username}」は既に使われています。",
        "The username “{username}” is already taken.",
    ),
    "accounts.invalid_role": ("権限「{role}」はありません。", "There is no role “{role}”."),
    "accounts.not_found": ("アカウント「{username}」が見つかりません。", "No account “{username}”."),
    "accounts.last_admin": (
        "有効な管理者が一人もいなくなるため、この操作はできません。",
        "This would leave no active admin, so it is not allowed.",
    ),
    "accounts.self_disable": ("自分自身のアカウントは無効にできません。", "You cannot disable your own account."),
    "accounts.name_required": ("表示名を入力してください。", "Enter a display name."),
    # config
    "config.insecure_cookie_key": (
        "ログイン用クッキーの署名鍵が安全ではありません（{reason}）。32文字以上のランダムな値を設定してください。",
        "The login cookie signing key is not safe ({reason}). Set a random value of at least 32 characters.",
    ),
    # csv
    "csv.unreadable": (
        "CSV ファイルを読み取れません（{reason}）。UTF-8 または Shift_JIS（CP932）の CSV を選んでください。",
        "The CSV file cannot be read ({reason}). Choose a CSV file in UTF-8 or Shift_JIS (CP932).",
    ),
    "csv.empty": ("CSV ファイルに見出し行がありません。", "The CSV file has no header row."),
    "error.generic": ("エラーが発生しました。", "Something went wrong."),
    "common.yes": ("はい", "Yes"),
    "common.no": ("いいえ", "No"),
}


def t(key: str, lang: str = DEFAULT_LANGUAGE, **params: Any) -> str:
    """The message for `key` in `lang` with `params` filled in; an unknown key raises KeyError."""
    ja, en = MESSAGES[key]
    text = en if lang == "en" else ja
    return text.format(**params) if params else text
