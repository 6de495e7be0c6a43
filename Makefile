# Shortcuts for the scripts in scripts/, which work without make too
# (a fresh Debian machine has no make: the README's commands call them directly).
.PHONY: run test bootstrap lock

run:  ## set up, then the main job: every document of corpus/ -> output/
	bash scripts/run.sh

test:  ## set up, then ruff and pytest
	bash scripts/test.sh

bootstrap:  ## only the set-up (system packages, .venv)
	bash scripts/bootstrap.sh

lock:  ## rewrite requirements.lock from the current .venv
	bash scripts/lock.sh
