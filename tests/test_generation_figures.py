"""What bench.generation and bench.classroom --fresh report about answers, from `done` timings alone (no model)."""

from appliance.settings import load_settings
from bench.generation import answer_costs, default_setting


def test_answer_costs_count_model_answers_and_take_percentiles(tmp_path):
    grounded = [
        {
            "prompt_tokens": 250 + n,
            "tokens": 20 + n,
            "tokens_per_second": 30.0,
            "at_ms": {"retrieved": 10.0 * n, "model_acquired": 11.0 * n},
        }
        for n in range(1, 21)
    ]
    not_covered = {"tokens": 0, "at_ms": {"retrieved": 5.0}}  # the material does not cover it: no model call
    # The model's first token was a stop: it answered with nothing, but it answered.
    stopped = {"prompt_tokens": 240, "tokens": 0, "at_ms": {"retrieved": 5.0, "model_acquired": 6.0}}
    costs = answer_costs([*grounded, not_covered, stopped])
    assert (costs["answers"], costs["model_answers"]) == (22, 21)
    assert costs["prompt_tokens"] == {"p50": 260, "p95": 269, "n": 21}
    assert costs["generated_tokens"]["p95"] == 39
    assert costs["at_ms"]["retrieved"]["p50"] == 100.0
    assert costs["at_ms"]["first_token"] == {"p50": None, "p95": None, "n": 0}


def test_default_setting_is_what_an_unconfigured_appliance_runs(tmp_path):
    settings = load_settings(environ={}, data_dir=str(tmp_path))
    for name in ("answer_mode", "parallel_answers", "max_answer_tokens"):
        assert default_setting(name) == getattr(settings, name), name
