# shellcheck shell=bash
# Source this file (". tests/env.sh") to use the tools that tests/setup installed.
#
# Everything lives in a cache outside the repository so that a second run of
# tests/setup costs seconds and the work tree never gets a node_modules or venv.

export PIPELENS_CACHE="${PIPELENS_CACHE:-$HOME/.cache/pipelens}"

# Prepend a directory to PATH once (sourcing twice must not grow PATH).
_pipelens_path_prepend() {
  case ":$PATH:" in
    *":$1:"*) ;;
    *) PATH="$1:$PATH" ;;
  esac
}
_pipelens_path_prepend "$PIPELENS_CACHE/venv/bin"
_pipelens_path_prepend "$PIPELENS_CACHE/node/node_modules/.bin"
unset -f _pipelens_path_prepend
export PATH

# The TypeScript example has no node_modules of its own: Node's require() finds
# aws-cdk-lib and constructs through NODE_PATH. (The TypeScript compiler ignores
# NODE_PATH: tests/synth-examples links node_modules into its temporary copy so
# that ts-node can type-check too. Without such a link, TS_NODE_TRANSPILE_ONLY=true
# also synthesizes, on NODE_PATH alone, but skips the type check.)
export NODE_PATH="$PIPELENS_CACHE/node/node_modules${NODE_PATH:+:$NODE_PATH}"

# Tests never ask the EC2 instance metadata service for credentials (the AWS SDK's last
# resort when no other credentials are set up).
export AWS_EC2_METADATA_DISABLED=true

# Keep cdk and jsii offline and quiet.
export CDK_DISABLE_VERSION_CHECK=1
export CDK_DISABLE_CLI_TELEMETRY=1
# jsii (the Python side of aws-cdk-lib) nags about Node versions; the value of
# the end-of-life variable is a list of the major versions to accept quietly.
export JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION=1
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="${JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION:-18,20,22}"
# jsii unpacks aws-cdk-lib on first use: keep that in the cache too.
export JSII_RUNTIME_PACKAGE_CACHE_ROOT="${JSII_RUNTIME_PACKAGE_CACHE_ROOT:-$PIPELENS_CACHE/jsii}"
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
export NPM_CONFIG_UPDATE_NOTIFIER=false
export PIP_DISABLE_PIP_VERSION_CHECK=1
export PYTHONDONTWRITEBYTECODE=1
