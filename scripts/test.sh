#!/usr/bin/env bash
# Install everything the tests need, then run them all:
#   - the package with its test extra, in .venv
#   - Debian's chromium for the browser tests (Playwright drives /usr/bin/chromium)
#   - axe-core from the npm registry for the accessibility check
#   - ProperDocs, MkDocs' maintained fork, in .venv-properdocs: a test builds the site with it too
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'

# Material requires MkDocs: in ProperDocs' venv it goes in without its dependencies, after the rest.
python3 -m venv .venv-properdocs
.venv-properdocs/bin/python -m pip install --quiet --disable-pip-version-check $(.venv/bin/python scripts/properdocs_requirements.py)
.venv-properdocs/bin/python -m pip install --quiet --disable-pip-version-check --no-deps \
  "$(.venv/bin/python scripts/properdocs_requirements.py --theme)" -e .

if [ ! -x /usr/bin/chromium ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

if [ ! -f node_modules/axe-core/axe.min.js ]; then
  npm install --no-save --no-audit --no-fund --silent axe-core@4
fi

exec .venv/bin/python -m pytest "$@"
