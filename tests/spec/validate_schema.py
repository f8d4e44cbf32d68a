#!/usr/bin/python3
"""Validates cluster.yaml files against schema/cluster.schema.json with the real `jsonschema`
package (Debian python3-jsonschema, installed by scripts/setup).

Usage: validate_schema.py SCHEMA FILE... ; exit 0 when every file is valid, 1 otherwise (each
problem printed as FILE: path: message).
"""
import json
import sys

import jsonschema
import yaml


def main(argv):
    with open(argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    validator = jsonschema.Draft202012Validator(schema)
    ok = True
    for path in argv[2:]:
        with open(path, encoding="utf-8") as f:
            doc = yaml.safe_load(f)
        for error in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path)):
            where = ".".join(str(p) for p in error.absolute_path) or "(root)"
            print(f"{path}: {where}: {error.message}")
            ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
