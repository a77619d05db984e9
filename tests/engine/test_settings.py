"""Settings from KRABUAN_* variables and the settings file: typed, checked, loud on mistakes."""
from __future__ import annotations

from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest

from engine.errors import ConfigurationError
from engine.settings import Settings


def test_defaults_and_environment():
    s = Settings.from_env({})
    assert s.data_dir == Path("data") and s.sqlite_synchronous == "NORMAL" and s.is_sqlite
    assert s.effective_database_url.endswith("data/krabuan.sqlite3")
    s = Settings.from_env({"KRABUAN_DATA_DIR": "/tmp/x", "KRABUAN_SQLITE_SYNCHRONOUS": "full",
                           "KRABUAN_DATABASE_URL": "postgresql://u@h/db", "KRABUAN_MAX_BPMN_BYTES": "1000"})
    assert s.data_dir == Path("/tmp/x") and s.sqlite_synchronous == "FULL" and s.max_bpmn_bytes == 1000
    assert s.effective_database_url == "postgresql+psycopg://u@h/db" and not s.is_sqlite



def test_settings_file_and_errors(tmp_path):
    f = tmp_path / "k.toml"
    f.write_text('data_dir = "/srv/krabuan"\nsqlite_synchronous = "FULL"\n')
    s = Settings.from_env({"KRABUAN_SETTINGS_FILE": str(f), "KRABUAN_SQLITE_SYNCHRONOUS": "NORMAL"})
    assert s.data_dir == Path("/srv/krabuan") and s.sqlite_synchronous == "NORMAL"
    with pytest.raises(ConfigurationError, match="SQLITE_SYNCHRONOUS"):
        Settings.from_env({"KRABUAN_SQLITE_SYNCHRONOUS": "SOMETIMES"})
    with pytest.raises(ConfigurationError, match="MAX_BPMN_BYTES"):
        Settings.from_env({"KRABUAN_MAX_BPMN_BYTES": "big"})
    with pytest.raises(ConfigurationError, match="only sqlite and postgresql"):
        Settings.from_env({"KRABUAN_DATABASE_URL": "mysql://x"})
    f.write_text("surprise = 1\n")
    with pytest.raises(ConfigurationError, match="unknown settings: surprise"):
        Settings.from_env({"KRABUAN_SETTINGS_FILE": str(f)})



def test_settings_convert_every_type_and_name_the_setting(tmp_path):
    f = tmp_path / "k.toml"
    f.write_text('SMTP_PORT = 2525\nsmtp_starttls = true\nscheduler_batch = 7\n')
    s = Settings.from_env({"KRABUAN_SETTINGS_FILE": str(f), "KRABUAN_SCHEDULER_BATCH": "9"})
    assert (s.smtp_port, s.smtp_starttls, s.scheduler_batch) == (2525, True, 9)  # keys in any case; env wins
    for text, expected in [("yes", True), (" ON ", True), ("1", True), ("no", False), ("off", False), ("", False)]:
        assert Settings.from_env({"KRABUAN_SMTP_STARTTLS": text}).smtp_starttls is expected
    for env, message in [
        ({"KRABUAN_SMTP_STARTTLS": "maybe"}, "setting KRABUAN_SMTP_STARTTLS: 'maybe' is not a bool"),
        ({"KRABUAN_SMTP_PORT": "25.5"}, "setting KRABUAN_SMTP_PORT: '25.5' is not a int"),
        ({"KRABUAN_SCHEDULER_LEASE_SECONDS": "0"}, "setting KRABUAN_SCHEDULER_LEASE_SECONDS must be at least 1"),
        ({"KRABUAN_SQLITE_SYNCHRONOUS": "often"},
         "setting KRABUAN_SQLITE_SYNCHRONOUS must be one of OFF, NORMAL, FULL, EXTRA, not 'OFTEN'"),
    ]:
        with pytest.raises(ConfigurationError) as info:
            Settings.from_env(env)
        assert info.value.message == message
    f.write_text('smtp_host = 25\n')
    with pytest.raises(ConfigurationError, match="^setting KRABUAN_SMTP_HOST: 25 is not a str$"):
        Settings.from_env({"KRABUAN_SETTINGS_FILE": str(f)})
    with pytest.raises(ConfigurationError, match="^setting KRABUAN_DATA_DIR: 5 is not a Path$"):
        Settings(data_dir=5)
    url = Settings.from_env({"KRABUAN_DATABASE_URL": "postgres://u@h/db"}).database_url
    assert url == "postgresql+psycopg://u@h/db"



def test_unknown_settings_are_refused_by_name(tmp_path):
    f = tmp_path / "k.toml"
    f.write_text("surprise = 1\ndata_dir = 'x'\n")
    with pytest.raises(ConfigurationError, match="^unknown settings: KRABUAN_DATA_DRI, KRABUAN_NOPE, surprise$"):
        Settings.from_env({"KRABUAN_SETTINGS_FILE": str(f), "KRABUAN_DATA_DRI": "x", "KRABUAN_NOPE": "1",
                           "OTHER_VARIABLE": "ignored"})
    with pytest.raises(ConfigurationError, match="^cannot read settings file"):
        Settings.from_env({"KRABUAN_SETTINGS_FILE": str(tmp_path / "missing.toml")})
    with pytest.raises(ConfigurationError, match="^unknown settings: bogus$"):
        Settings().with_overrides(bogus=1)



def test_settings_are_frozen_checked_copies_that_hide_the_password(monkeypatch):
    monkeypatch.setenv("KRABUAN_DATA_DIR", "/from/the/environment")
    assert Settings().data_dir == Path("data")  # Settings() reads only its arguments
    s = Settings().with_overrides(smtp_password="hunter2", max_bpmn_bytes="1000")
    assert s.max_bpmn_bytes == 1000 and s.smtp_password.get_secret_value() == "hunter2"
    assert "hunter2" not in repr(s) and "hunter2" not in str(s)
    with pytest.raises(ConfigurationError, match="MAX_BPMN_BYTES"):
        s.with_overrides(max_bpmn_bytes="lots")
    with pytest.raises(FrozenInstanceError):
        s.data_dir = Path("elsewhere")  # type: ignore[misc]
    assert s == Settings().with_overrides(smtp_password="hunter2", max_bpmn_bytes=1000)
    assert hash(s) == hash(Settings().with_overrides(smtp_password="hunter2", max_bpmn_bytes=1000))



def test_the_largest_upload_is_a_setting():
    assert Settings().max_upload_bytes == 20 * 1024 * 1024
    assert Settings.from_env({"KRABUAN_MAX_UPLOAD_BYTES": "1000"}).max_upload_bytes == 1000
    with pytest.raises(ConfigurationError, match="KRABUAN_MAX_UPLOAD_BYTES must be at least 1"):
        Settings.from_env({"KRABUAN_MAX_UPLOAD_BYTES": "0"})
