#!/usr/bin/env python3
"""Check an OpenAPI document the way strict consumers read it.

Usage: python3 scripts/check-openapi.py [docs/openapi.yaml]

Checks, in order:
  1. the YAML has no duplicate mapping key anywhere (PyYAML silently keeps the last one; YAML 1.2 and
     swift-openapi-generator refuse the document);
  2. every schema with `type: array` has `items` (openapi-python-client drops schemas without it);
  3. every `$ref` points at something that exists;
  4. the document validates against the OpenAPI specification (openapi_spec_validator).

Every problem is printed on stderr with its path in the document (and, for a duplicate key, its lines); the exit status is
0 when the document passes, 1 when it does not, 2 on a usage error.
"""

from __future__ import annotations

import os
import sys
import urllib.parse

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, SequenceNode

MERGE_TAG = "tag:yaml.org,2002:merge"


def format_path(path: tuple) -> str:
    """A JSON-pointer-like display form: /components/schemas/Params/additionalProperties/oneOf/2."""
    if not path:
        return "/"
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


class DuplicateKeyError(ConstructorError):
    pass


class StrictLoader(yaml.SafeLoader):
    """A SafeLoader that refuses duplicate mapping keys instead of keeping the last one.

    Every duplicate in the document is collected (with the path of its mapping and the lines of both occurrences)
    and reported in one DuplicateKeyError once the document is constructed.
    """

    def __init__(self, stream):
        super().__init__(stream)
        self._node_paths: dict[int, tuple] = {}
        self.duplicates: list[str] = []

    def _record_paths(self, node, path: tuple) -> None:
        # Iterative walk: remember the document path of every collection node (keys are scalars here).
        stack = [(node, path)]
        seen: set[int] = set()
        while stack:
            current, current_path = stack.pop()
            if id(current) in seen:  # aliases can make the graph cyclic
                continue
            seen.add(id(current))
            self._node_paths[id(current)] = current_path
            if isinstance(current, MappingNode):
                for key_node, value_node in current.value:
                    key = getattr(key_node, "value", "?")
                    stack.append((value_node, current_path + (key if isinstance(key, str) else "?",)))
            elif isinstance(current, SequenceNode):
                for index, item in enumerate(current.value):
                    stack.append((item, current_path + (index,)))

    def construct_document(self, node):
        self._record_paths(node, ())
        data = super().construct_document(node)
        if self.duplicates:
            error = DuplicateKeyError(
                None, None, "duplicate mapping keys:\n  " + "\n  ".join(self.duplicates), node.start_mark
            )
            error.data = data  # what PyYAML would have kept (the last value of each key), for the other checks
            raise error
        return data

    def construct_mapping(self, node, deep=False):
        if isinstance(node, MappingNode):
            first_seen: dict = {}
            for key_node, _ in node.value:
                if key_node.tag == MERGE_TAG:  # `<<` overrides are the documented YAML merge behaviour
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    hash(key)
                except TypeError:
                    continue  # SafeConstructor reports unhashable keys itself
                if key in first_seen:
                    where = format_path(self._node_paths.get(id(node), ()) + (key,))
                    self.duplicates.append(
                        f"{where}: key {key!r} defined at line {first_seen[key].line + 1} "
                        f"and again at line {key_node.start_mark.line + 1}"
                    )
                else:
                    first_seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep=deep)


def walk(value, path: tuple = ()):
    """Yield (path, mapping) for every mapping of the document, skipping example payloads (not schemas)."""
    stack = [(value, path)]
    while stack:
        current, current_path = stack.pop()
        if isinstance(current, dict):
            yield current_path, current
            for key, child in current.items():
                if key == "example" and current_path[-1:] != ("properties",):  # not a property named `example`
                    continue
                if key == "value" and len(current_path) >= 2 and current_path[-2] == "examples":
                    continue  # the literal value of an Example Object
                stack.append((child, current_path + (key,)))
        elif isinstance(current, list):
            for index, child in enumerate(current):
                stack.append((child, current_path + (index,)))


def check_arrays(document) -> list[str]:
    problems = []
    for path, mapping in walk(document):
        kind = mapping.get("type")
        is_array = kind == "array" or (isinstance(kind, list) and "array" in kind)
        if is_array and "items" not in mapping:
            problems.append(f"{format_path(path)}: `type: array` without `items`")
    return problems


def resolve_pointer(document, fragment: str):
    """Resolve a JSON pointer (`/a/b~1c`) in `document`; raise KeyError naming the first missing step."""
    if fragment in ("", "/"):
        return document
    if not fragment.startswith("/"):
        raise KeyError(f"fragment {fragment!r} is not a JSON pointer")
    current = document
    walked = ""
    for raw in fragment[1:].split("/"):
        part = urllib.parse.unquote(raw).replace("~1", "/").replace("~0", "~")
        walked += "/" + raw
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            raise KeyError(f"nothing at {walked}")
    return current


def check_refs(document, document_path: str) -> list[str]:
    problems = []
    base_dir = os.path.dirname(os.path.abspath(document_path))
    external: dict[str, object] = {}
    for path, mapping in walk(document):
        ref = mapping.get("$ref")
        if ref is None:
            continue
        where = format_path(path + ("$ref",))
        if not isinstance(ref, str):
            problems.append(f"{where}: $ref is not a string ({ref!r})")
            continue
        target_file, _, fragment = ref.partition("#")
        target = document
        if target_file:
            if urllib.parse.urlparse(target_file).scheme:
                problems.append(f"{where}: remote $ref {ref!r} is not checked here; use a local reference")
                continue
            file_path = os.path.normpath(os.path.join(base_dir, target_file))
            if file_path not in external:
                try:
                    with open(file_path, encoding="utf-8") as handle:
                        external[file_path] = yaml.load(handle, Loader=StrictLoader)
                except (OSError, yaml.YAMLError) as error:
                    external[file_path] = error
            target = external[file_path]
            if isinstance(target, Exception):
                problems.append(f"{where}: cannot read {target_file!r} for $ref {ref!r}: {target}")
                continue
        try:
            resolve_pointer(target, fragment)
        except KeyError as error:
            problems.append(f"{where}: $ref {ref!r} does not resolve ({error.args[0]})")
    return problems


def check_spec(document, document_path: str) -> list[str]:
    try:
        from openapi_spec_validator.shortcuts import get_validator_cls
        from jsonschema_path import SchemaPath
    except ImportError as error:
        return [f"openapi_spec_validator is not installed ({error}); pip install openapi-spec-validator"]
    try:
        cls = get_validator_cls(document)
    except Exception as error:  # ValidatorDetectError: no `openapi`/`swagger` version field
        return [f"/: cannot tell the OpenAPI version ({error.__class__.__name__}: {error})"]
    base_uri = "file://" + os.path.abspath(document_path)
    spec = SchemaPath.from_dict(document, base_uri=base_uri)
    problems = []
    try:
        for error in cls(spec).iter_errors():
            # (for an error inside a schema the validator checks on its own, the path is relative to that schema)
            location = format_path(tuple(getattr(error, "absolute_path", ())))
            message = getattr(error, "message", str(error))
            problems.append(f"{location}: {message}")
    except Exception as error:  # a reference the validator could not follow, and similar
        problems.append(f"openapi_spec_validator failed: {error.__class__.__name__}: {error}")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) > 2 or (len(argv) == 2 and argv[1] in ("-h", "--help")):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    document_path = argv[1] if len(argv) == 2 else os.path.join(os.path.dirname(__file__), "..", "docs", "openapi.yaml")

    failed = False
    try:
        with open(document_path, encoding="utf-8") as handle:
            document = yaml.load(handle, Loader=StrictLoader)
    except OSError as error:
        print(f"check-openapi: cannot read {document_path}: {error}", file=sys.stderr)
        return 2
    except DuplicateKeyError as error:
        print(f"check-openapi: {document_path}: {error.problem}", file=sys.stderr)
        failed = True
        document = error.data  # go on with the other checks so one run reports every problem
    except yaml.YAMLError as error:
        print(f"check-openapi: {document_path}: not valid YAML: {error}", file=sys.stderr)
        return 1
    if not isinstance(document, dict):
        print(f"check-openapi: {document_path}: the document is not a mapping", file=sys.stderr)
        return 1

    for title, problems in (
        ("arrays without items", check_arrays(document)),
        ("unresolved $ref", check_refs(document, document_path)),
    ):
        if problems:
            failed = True
            print(f"check-openapi: {document_path}: {title}:", file=sys.stderr)
            for problem in sorted(problems):
                print(f"  {problem}", file=sys.stderr)
    if failed:
        return 1  # the spec validator would only repeat them (it reads a duplicate key's last value, as PyYAML does)

    problems = check_spec(document, document_path)
    if problems:
        print(f"check-openapi: {document_path}: not a valid OpenAPI document:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 1

    schemas = len(document.get("components", {}).get("schemas", {}) or {})
    paths = len(document.get("paths", {}) or {})
    print(
        f"check-openapi: {document_path}: OK (OpenAPI {document.get('openapi', document.get('swagger'))}, "
        f"{paths} paths, {schemas} schemas; no duplicate keys, every array has items, every $ref resolves)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
