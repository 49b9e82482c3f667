"""Tiny but real deployment packages, byte-for-byte reproducible (fixed zip timestamps).

The code is a plausible handler skeleton per runtime family; nothing executes it (moto needs
Docker for that), but CodeSha256 and CodeSize are realistic and stable across runs.
"""

from __future__ import annotations

import io
import zipfile

_EPOCH = (2026, 1, 1, 0, 0, 0)


def _pascal(name: str) -> str:
    return "".join(part.title() for part in name.split("-"))


def handler_for(runtime: str, name: str) -> str:
    if runtime.startswith("python"):
        return "app.handler"
    if runtime.startswith("nodejs"):
        return "index.handler"
    if runtime.startswith("java"):
        return f"com.fintech.{_pascal(name)}::handleRequest"
    if runtime.startswith("dotnet"):
        return f"Fintech::Fintech.{_pascal(name)}::Handle"
    return "bootstrap" if runtime.startswith("provided") else "main"


def _sources(runtime: str, name: str) -> dict[str, str]:
    if runtime.startswith("python"):
        return {
            "app.py": (
                "import json\nimport logging\nimport os\n\nlog = logging.getLogger()\n"
                "log.setLevel(os.environ.get('LOG_LEVEL', 'INFO'))\n\n\n"
                "def handler(event, context):\n"
                f"    log.info('{name} invoked', extra={{'request_id': context.aws_request_id}})\n"
                "    return {'statusCode': 200, 'body': json.dumps({'ok': True})}\n"
            )
        }
    if runtime.startswith("nodejs"):
        return {
            "index.js": (
                "exports.handler = async (event, context) => {\n"
                f"  console.log(JSON.stringify({{fn: '{name}', id: context.awsRequestId}}));\n"
                "  return { statusCode: 200, body: JSON.stringify({ ok: true }) };\n};\n"
            )
        }
    if runtime.startswith("java"):
        cls = _pascal(name)
        return {
            f"com/fintech/{cls}.java": (
                "package com.fintech;\n\nimport java.util.Map;\n\n"
                f"public class {cls} {{\n"
                "  public Map<String, Object> handleRequest(Map<String, Object> event) {\n"
                '    return Map.of("statusCode", 200);\n  }\n}\n'
            )
        }
    if runtime.startswith("dotnet"):
        return {
            "Function.cs": (
                f"namespace Fintech;\npublic class {_pascal(name)} {{\n"
                "  public object Handle(object input) => new { statusCode = 200 };\n}\n"
            )
        }
    return {
        "main.go": (
            'package main\n\nimport "github.com/aws/aws-lambda-go/lambda"\n\n'
            'func handle() (map[string]int, error) { return map[string]int{"statusCode": 200}, nil }'
            "\n\nfunc main() { lambda.Start(handle) }\n"
        )
    }


def build_zip(runtime: str, name: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, text in sorted(_sources(runtime, name).items()):
            info = zipfile.ZipInfo(path, date_time=_EPOCH)
            info.external_attr = 0o644 << 16
            archive.writestr(info, text)
    return buffer.getvalue()
