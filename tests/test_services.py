"""The services a process builds: what it loads it closes, what it is given it leaves to the giver."""

from appliance import services as services_module
from tests.conftest import FakeEmbedder, FakeModel, FakeVectors


def test_closing_the_services_unloads_the_model_they_loaded_but_not_one_they_were_given(settings, monkeypatch):
    loaded = FakeModel()
    monkeypatch.setattr(services_module, "load_llm", lambda _: loaded)
    built = services_module.build(settings, embedder=FakeEmbedder(), vectors=FakeVectors())
    assert built.model is loaded
    built.close()
    assert loaded.closed
    given = FakeModel()
    built = services_module.build(settings, embedder=FakeEmbedder(), vectors=FakeVectors(), model=given)
    built.close()
    assert not given.closed
