#!/usr/bin/env bash
# Regenerate the unreleased migration 0002 from the models (only while 0002 is unreleased).
set -euo pipefail
cd "$(dirname "$0")/.."
rm -f zkdesk/store/migrations/versions/0002_*.py
out=$(PYTHONPATH=. "${PYTHON:-python}" tools/new_migration.py "${1:-features of release 0.2}" | grep -o '[^ ]*versions/[^ ]*\.py')
rev=$(basename "$out" | cut -d_ -f1)
sed -i "s/$rev/0002/g" "$out"
mv "$out" zkdesk/store/migrations/versions/0002_features.py
echo written zkdesk/store/migrations/versions/0002_features.py
