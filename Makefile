# One entry point. `make run` starts the assistant; `make test` runs every test.
# Both set everything up first: virtual environment, pinned dependencies,
# the service directory and (only when its inputs changed) the model.

PYTHON ?= python3.10
VENV := .venv
PY := $(VENV)/bin/python
LAUNCH := $(PY) -m bot.launcher
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | sha256sum | cut -c1-12)

.PHONY: run shell test test-fast validate train directory bench loadtest cluster reproducible lock check clean browser-deps server-deps

run: $(STAMP) directory
	$(LAUNCH) run

shell: $(STAMP) directory
	$(LAUNCH) shell

test: $(STAMP) browser-deps server-deps directory
	$(PY) -m pytest

# Unit, lint and action tests only: no training, no servers.
test-fast: $(STAMP) directory
	$(PY) -m pytest -m "not slow"

# Check data/, domain.yml and config.yml with warnings as errors; trains nothing.
validate: $(STAMP)
	$(LAUNCH) exec -- $(VENV)/bin/rasa data validate --fail-on-warnings

train: $(STAMP)
	$(LAUNCH) train

directory: $(STAMP)
	$(LAUNCH) directory

# Benchmarks, never timed tests: directory search, crisis detector, the blind set,
# one turn for a short and a very long message, and training time against moodbot.
bench: $(STAMP) directory train
	$(PY) -m bot directory bench
	$(PY) -m bot.safety.report
	$(LAUNCH) exec -- $(PY) -m bot.evaluation "$$($(LAUNCH) model-path)" --json test-artifacts/blind-set.json
	$(LAUNCH) exec -- $(PY) -m bot.latency_bench
	$(LAUNCH) exec -- $(PY) -m bot.training_bench --runs 1

# Two Rasa servers and two action servers behind nginx, PostgreSQL and Redis, all on
# this machine (see "Several servers" in README.md). Ctrl+C stops everything.
cluster: $(STAMP) server-deps directory
	$(PY) -m bot.cluster

# Locust against moodbot, one server and the cluster (50 and 200 users), then the
# cluster with faults. Figures in test-artifacts/loadtest.md. About 20 minutes.
loadtest: $(STAMP) server-deps directory train
	$(LAUNCH) exec -- $(PY) -m bot.loadtest

# Train a second model from the same data and options and check both give the same intents.
reproducible: train
	$(LAUNCH) exec -- $(VENV)/bin/rasa train --force $$($(PY) -c 'from bot.launcher import TRAIN_OPTIONS; print(*TRAIN_OPTIONS)') --out build/repro --fixed-model-name repro
	$(PY) -m bot.model_compare "$$($(LAUNCH) model-path)" build/repro/repro.tar.gz

check: $(STAMP)
	$(LAUNCH) check

$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check pip==24.0
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -r requirements.lock
	$(PY) -m pip check
	rm -f $(VENV)/.installed-*
	touch $@

# The widget's browser tests: Debian's chromium and pinned npm packages (no browser download).
browser-deps:
	@test -x /usr/bin/chromium || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }
	@test -d node_modules/playwright-core -a -d node_modules/axe-core || npm ci --no-audit --no-fund --loglevel=error

# PostgreSQL, Redis and nginx from Debian, for the cluster and its tests.
server-deps: $(STAMP)
	@$(PY) -c "from bot.cluster.debian import ensure_installed; ensure_installed()"

# Re-pin every transitive dependency after changing pyproject.toml.
lock:
	rm -rf /tmp/lock-venv && $(PYTHON) -m venv /tmp/lock-venv
	/tmp/lock-venv/bin/pip install --quiet pip==24.0 && /tmp/lock-venv/bin/pip install --quiet .
	(echo "# Every transitive dependency pinned (Python 3.10). Regenerate with: make lock"; \
	 /tmp/lock-venv/bin/pip freeze --all --exclude bot --exclude pip) > requirements.lock

clean:
	rm -rf build models results test-artifacts .pytest_cache
