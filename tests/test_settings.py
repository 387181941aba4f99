import hashlib
import re
import subprocess
import sys
import tomllib

import msgspec
import pytest

from appliance.errors import ConfigError, running_user
from appliance.settings import DEFAULT_CONFIG, Settings, load_settings
from tests.conftest import closed_to_the_test


def test_defaults_file_documents_every_setting_with_its_default():
    text = DEFAULT_CONFIG.read_text()
    values = tomllib.loads(text)
    assert set(values) == set(Settings.__struct_fields__)
    assert msgspec.convert(values, Settings) == Settings()
    lines = text.splitlines()
    for name in Settings.__struct_fields__:
        at = next(n for n, line in enumerate(lines) if line.startswith(f"{name} ="))
        assert lines[at - 1].startswith("# "), f"{name} has no comment"
        assert len(lines[at - 1]) > 10, f"{name} has no comment"


def test_environment_overrides_file_and_is_converted(tmp_path):
    config = tmp_path / "r.toml"
    config.write_text('port = 9000\nhost = "0.0.0.0"\n')
    settings = load_settings(config, environ={"RAGBOT_PORT": "9100", "RAGBOT_DATA_DIR": "/srv/rb"})
    assert (settings.port, settings.host, settings.data_dir) == (9100, "0.0.0.0", "/srv/rb")
    assert settings.models_path.as_posix() == "/srv/rb/models"


@pytest.mark.parametrize(
    "environ, named",
    [
        ({"RAGBOT_PORT": "eighty"}, "port"),
        ({"RAGBOT_PORT": "70000"}, "port"),
        ({"RAGBOT_CHUNK_TOKENS": "3"}, "chunk_tokens"),
        ({"RAGBOT_LOG_LEVEL": "loud"}, "log_level"),
        ({"RAGBOT_INGEST_SAMPLE": "maybe"}, "ingest_sample"),
    ],
)
def test_bad_value_names_the_setting(environ, named):
    with pytest.raises(ConfigError, match=f"setting '{named}'"):
        load_settings(environ=environ)


@pytest.mark.parametrize(
    "line, named, said",
    [
        ('port = "9000"', "port", "Expected `int`, got `str`"),
        ('ingest_sample = "false"', "ingest_sample", "Expected `bool`, got `str`"),
        ("temperature = true", "temperature", "Expected `float`, got `bool`"),
        ("port = 80000", "port", "<= 65535"),
    ],
)
def test_a_value_of_the_wrong_type_in_the_file_is_named_not_read_loosely(tmp_path, line, named, said):
    """`port = "9000"` was read as 9000 and `ingest_sample = "false"` as false: the file has a mistake to fix, and
    the same loose reading would take a quoted value the admin meant differently."""
    config = tmp_path / "r.toml"
    config.write_text(line + "\n")
    with pytest.raises(ConfigError, match=f"setting '{named}' = .* \\(from {config}\\): .*{re.escape(said)}"):
        load_settings(config, environ={})
    config.write_text("temperature = 1\nport = 9000\n")  # an integer where a float belongs is no mistake
    assert (load_settings(config, environ={}).temperature, load_settings(config, environ={}).port) == (1.0, 9000)


def test_unknown_key_and_bad_toml_and_missing_file(tmp_path):
    config = tmp_path / "r.toml"
    config.write_text("prot = 8000\n")
    with pytest.raises(ConfigError, match="prot"):
        load_settings(config, environ={})
    config.write_text("port = = 1\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(config, environ={})
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "missing.toml", environ={})


@pytest.mark.parametrize("variable", ["RAGBOT_PORTT", "RAGBOT_port", "RAGBOT_TEMPRATURE"])
def test_a_misspelt_variable_is_refused_with_the_setting_it_was_meant_for(variable):
    # RAGBOT_PORTT=9000 was silently ignored: the appliance served on another port than the admin chose.
    meant = "RAGBOT_TEMPERATURE" if "TEMP" in variable else "RAGBOT_PORT"
    with pytest.raises(ConfigError, match=f"{variable} is not a setting.*did you mean {meant}\\?"):
        load_settings(environ={variable: "9000"})


def test_variables_of_other_tools_sharing_the_prefix_are_left_alone():
    assert load_settings(environ={"RAGBOT_ADMIN_PASSWORD": "x", "RAGBOT_LLAMA_SERVER": "/x"}) == Settings()


def test_a_misspelt_key_in_the_file_names_the_setting_it_was_meant_for(tmp_path):
    config = tmp_path / "r.toml"
    config.write_text("tempreature = 0.5\n")
    with pytest.raises(ConfigError, match=r"'tempreature' \(from .*\) is not a setting: did you mean temperature\?"):
        load_settings(config, environ={})


def test_settings_that_contradict_each_other_are_refused_at_start():
    """An overlap past half a chunk stored each passage many times over (91 chunks for 11 at 199 of 200); a search_k
    over max_k had every search the web app made refused."""
    with pytest.raises(ConfigError, match=r"chunk_overlap \(150\) must be at most half of chunk_tokens \(200\)"):
        load_settings(environ={"RAGBOT_CHUNK_OVERLAP": "150"})
    with pytest.raises(ConfigError, match=r"search_k \(8\) must be at most max_k \(4\)"):
        load_settings(environ={"RAGBOT_SEARCH_K": "8", "RAGBOT_MAX_K": "4"})


def test_an_answer_longer_than_half_the_context_window_is_refused_at_start(tmp_path):
    """Every prompt would overflow: the appliance would start and then refuse every question."""
    with pytest.raises(ConfigError, match=r"max_answer_tokens \(1500\) must be at most half of llm_context \(2048\)"):
        load_settings(environ={"RAGBOT_MAX_ANSWER_TOKENS": "1500"})
    assert load_settings(environ={"RAGBOT_MAX_ANSWER_TOKENS": "1024"}).max_answer_tokens == 1024
    assert load_settings(environ={"RAGBOT_MAX_ANSWER_TOKENS": "1500", "RAGBOT_LLM_CONTEXT": "4096"})


def test_an_answer_longer_than_half_the_models_own_context_window_is_refused_at_load(tmp_path):
    """With llm_context = 0 the manifest's window counts, known only when the model is chosen."""
    from appliance import services

    (tmp_path / "tiny.gguf").write_bytes(b"GGUF weights")
    digest = hashlib.sha256(b"GGUF weights").hexdigest()
    manifest = f'name = "tiny"\nkind = "llm"\nfile = "tiny.gguf"\nsha256 = "{digest}"\ncontext_length = 256\n'
    (tmp_path / "tiny.toml").write_text(manifest)
    settings = load_settings(
        environ={}, models_dir=str(tmp_path), llm_model="tiny", llm_context=0, max_answer_tokens=200
    )
    with pytest.raises(ConfigError, match=r"at most half of the context window of tiny \(256\)"):
        services.load_llm(settings)


def test_a_bad_value_says_where_it_was_given(tmp_path):
    """`serve --port 99999` was said to come "from the file and RAGBOT_* variables": a teacher looked in both."""
    config = tmp_path / "ragbot.toml"
    config.write_text("port = 70000\n")
    for environ, overrides, origin in (
        ({}, {"port": 99999}, "the command line"),
        ({"RAGBOT_PORT": "99999"}, {}, "RAGBOT_PORT"),
        ({}, {}, str(config)),
    ):
        with pytest.raises(ConfigError, match=f"setting 'port' = .* \\(from {re.escape(origin)}\\)"):
            load_settings(config, environ=environ, **overrides)


def test_a_config_file_named_by_ragbot_config_that_is_not_there_is_an_error(tmp_path):
    missing = tmp_path / "ragbot.tom"  # a typo in a unit's Environment= line, or a lost /etc/ragbot/ragbot.toml
    with pytest.raises(ConfigError, match=f"config file {missing} \\(from RAGBOT_CONFIG\\) does not exist"):
        load_settings(environ={"RAGBOT_CONFIG": str(missing)})
    assert load_settings(environ={"RAGBOT_CONFIG": ""}) == Settings()  # empty names no file: the defaults


@pytest.mark.parametrize("name", ["data_dir", "backup_dir", "tls_ca_file"])
def test_a_relative_path_in_the_config_file_is_refused(tmp_path, name):
    # `data_dir = "var/lib/ragbot"`: the service (in /var/lib/ragbot) and each command (wherever the admin stood) had a
    # data folder of their own, each without the admin account.
    config = tmp_path / "ragbot.toml"
    config.write_text(f'{name} = "var/lib/ragbot"\n')
    with pytest.raises(ConfigError, match=f"setting '{name}' = 'var/lib/ragbot' \\(from {config}\\): a path in the"):
        load_settings(config, environ={})
    config.write_text(f'{name} = "~/ragbot"\n')
    assert getattr(load_settings(config, environ={}), name) == "~/ragbot"


@pytest.mark.parametrize("name", ["data_dir", "models_dir", "backup_dir"])
def test_a_folder_setting_naming_a_file_is_refused_naming_the_setting(tmp_path, name):
    # `backup_dir = "/etc/ragbot/ragbot.toml"`: doctor said "backups: none yet" and every nightly backup failed;
    # `data_dir` naming a file ended doctor itself with "... is a file; run ragbot as the data folder's owner".
    config, notes = tmp_path / "ragbot.toml", tmp_path / "notes.txt"
    notes.write_text("an admin's notes")
    config.write_text(f'{name} = "{notes / "ragbot"}"\n')
    said = f"setting '{name}' = '{notes / 'ragbot'}' \\(from {config}\\): {notes} is a file, and {name} names a folder"
    with pytest.raises(ConfigError, match=said):
        load_settings(config, environ={})
    with pytest.raises(ConfigError, match=f"'{notes}' \\(from RAGBOT_{name.upper()}\\): {notes} is a file"):
        load_settings(config, environ={f"RAGBOT_{name.upper()}": str(notes)})


@pytest.mark.parametrize(
    "line, said",
    [
        (
            'signup = "join code"',
            "setting 'signup' = 'join code' .*: it is one of closed, open, join_code: did you mean join_code\\?",
        ),
        ('log_level = "verbose"', "setting 'log_level' = 'verbose' .*: it is one of debug, info, warning, error$"),
        ("colour = 1", "'colour' .* is not a setting: every setting is listed, with what it does, in .*ragbot.toml"),
        ('[llm]\nllm_model = "x"', "\\[llm\\] .*: the settings take no sections; remove the line \\[llm\\]"),
    ],
)
def test_a_value_or_name_the_appliance_does_not_take_is_told_with_what_it_does_take(tmp_path, line, said):
    # `signup = "join code"` said "Invalid enum value 'join code'", `colour = 1` "Object contains unknown field
    # `colour`", and a [section] "unknown field `llm`": the admin was told neither the values nor the names.
    config = tmp_path / "r.toml"
    config.write_text(line + "\n")
    with pytest.raises(ConfigError, match=said):
        load_settings(config, environ={})


def test_a_config_file_from_a_windows_editor_a_folder_or_binary_is_told_as_such(tmp_path):
    # A byte-order mark (Notepad) was "not valid TOML: Invalid statement (at line 1, column 1)", a folder
    # "Is a directory", and a binary file a "'utf-8' codec can't decode byte 0xff".
    config = tmp_path / "r.toml"
    config.write_bytes(b"\xef\xbb\xbfport = 9001\r\n")
    assert load_settings(config, environ={}).port == 9001
    with pytest.raises(ConfigError, match=f"config file {tmp_path} is a folder: give the settings file in it"):
        load_settings(tmp_path, environ={})
    config.write_bytes(b"port = 9001\n\xff\xfe")
    with pytest.raises(ConfigError, match=r"is not text \(byte 13 is not UTF-8\)"):
        load_settings(config, environ={})


def test_a_config_file_this_user_may_not_read_says_to_use_sudo(tmp_path):
    # An admin without sudo on a machine install (/etc/ragbot/ragbot.toml is root:ragbot 0640): every command said
    # "[Errno 13] Permission denied: '/etc/ragbot/ragbot.toml'".
    config = tmp_path / "ragbot.toml"
    config.write_text("port = 9001\n")
    prefix = closed_to_the_test(config)
    load = "import sys; from appliance.settings import load_settings; load_settings(sys.argv[1], environ={})"
    said = subprocess.run([*prefix, sys.executable, "-c", load, str(config)], capture_output=True, text=True)
    config.chmod(0o600)
    assert f"config file {config} may not be read by the user {running_user()}: run ragbot with sudo" in said.stderr


def test_a_number_or_switch_in_quotes_in_the_file_is_named_with_how_to_write_it(tmp_path):
    # `port = "8000"` was "Expected `int`, got `str`": right, and no help to an admin who copied it from a web page.
    config = tmp_path / "r.toml"
    for line, told in [
        ('port = "8000"', "port = 8000"),
        ('ocr = "false"', "ocr = false"),
        ('temperature = "0.3"', "temperature = 0.3"),
    ]:
        config.write_text(line + "\n")
        with pytest.raises(ConfigError, match=f"written without quotes: {told}$"):
            load_settings(config, environ={})
    config.write_text('port = "eighty"\n')
    with pytest.raises(ConfigError, match="Expected `int`, got `str`"):
        load_settings(config, environ={})
