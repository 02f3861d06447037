#!/usr/bin/env bash
# Installs what a fresh Debian machine with the Swift toolchain lacks. Idempotent and quick when all is present.
set -euo pipefail

apt_packages=(libxml2-dev libxml2-utils pkg-config zlib1g-dev)
missing=()
for package in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
    echo "bootstrap: installing ${missing[*]}"
    SUDO=""
    if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Python packages used by the tests (numpy-financial: the independent APR implementation).
if ! python3 -c "import numpy_financial" 2>/dev/null; then
    echo "bootstrap: installing numpy-financial"
    python3 -m pip install --quiet --disable-pip-version-check numpy-financial
fi

# The strict OpenAPI check (scripts/check-openapi.py): PyYAML and openapi-spec-validator.
if ! python3 -c "import yaml, openapi_spec_validator" 2>/dev/null; then
    echo "bootstrap: installing pyyaml and openapi-spec-validator"
    python3 -m pip install --quiet --disable-pip-version-check pyyaml openapi-spec-validator
fi
