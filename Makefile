# 信访通 — the two commands a newcomer needs: `make run` and `make test`. See README.md.
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Test processes (pytest-xdist); 2 cores here.
TEST_WORKERS ?= 2

.PHONY: run test install lock migrate seed web worker beat lint messages clean

# The locked versions (requirements/dev.txt: runtime, demo data and the test tools), then the project itself.
$(VENV)/.installed: pyproject.toml requirements/dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements/dev.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py sync_roles

seed: migrate
	$(PY) manage.py seed_demo

## make run: the demo county on embedded defaults (SQLite under var/, Celery on the filesystem broker), DEBUG off so
## that visitors meet the product's own error pages (DEBUG=True make run for Django's debug pages).
run: seed
	@echo
	@echo "信访通 demo: http://$(HOST):$(PORT)/   (API docs: http://$(HOST):$(PORT)/api/docs/, health: /healthz)"
	@echo "Logins (password xinfang-demo): caseworker 信访干部 · officer 承办单位 · leader 县领导 · cadre 信访专员"
	@echo "                                admin 县级管理员 · auditor 审计员 · cityleader 市领导 · root 超级用户（仅安装用）"
	@echo "  三员分立（首次登录绑定手机验证器）: sysadmin 系统管理员 · secadmin 安全管理员 · auditadmin 审计管理员"
	@echo "网上信访（信访人，无需登录）: http://$(HOST):$(PORT)/public/340822000000/"
	@echo
	@trap 'kill 0' INT TERM EXIT; \
	export DEBUG=$${DEBUG:-False}; \
	$(VENV)/bin/celery -A xinfang worker --loglevel=INFO --concurrency=2 & \
	$(VENV)/bin/celery -A xinfang beat --loglevel=INFO & \
	$(PY) manage.py runserver $(HOST):$(PORT)

## make test: the import contracts (pyproject.toml, docs/architecture.md), then the whole suite. On PostgreSQL and
## Redis when DATABASE_URL and REDIS_URL are set.
test: install
	PYTHONPATH=. $(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadfile -q

## make lock: re-resolve the locked versions after changing the dependencies in pyproject.toml. runtime.txt is what
## a county's image installs, demo.txt adds Faker for the demo and load data, dev.txt the test tools (make install).
lock: install
	for lock in runtime:"" demo:"--extra demo" dev:"--extra dev"; do \
	  $(VENV)/bin/uv pip compile pyproject.toml $${lock#*:} --universal --python-version 3.11 --no-header \
	    --annotation-style line -q -o requirements/$${lock%%:*}.txt || exit 1; \
	done

lint: install
	$(VENV)/bin/ruff check .

## Refresh the English catalogue after changing user-visible strings, then fill the msgstrs in locale/en.
messages: install
	$(PY) manage.py makemessages -l en --no-obsolete --ignore '.venv/*' --ignore 'static/vendor/*' --ignore 'tests/*'
	$(PY) manage.py compilemessages -l en -l zh_Hans --ignore '.venv/*'

clean:
	rm -rf var staticfiles
