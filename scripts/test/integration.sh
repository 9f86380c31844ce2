#!/usr/bin/env bash
# Runs the integration tests with the test stack's URLs in the environment (from scripts/stack/env.sh).
set -euo pipefail
source "$(dirname "$0")/../stack/env.sh"
cd "$AVELON_ROOT"
# One file at a time: the files share one stack and some of them stop and start its parts.
exec node --test --test-concurrency=1 --test-reporter=spec ${AVELON_TEST_FILES:-$(git ls-files --cached --others --exclude-standard 'test/*.test.ts' 'test/**/*.test.ts' | sort -u)}
