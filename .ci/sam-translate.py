#!/usr/bin/env python3
"""Transform a SAM template to CloudFormation with aws-sam-translator, offline.

Usage: .ci/sam-translate.py TEMPLATE [NAME=VALUE ...]

Exits 1 with every error the translator reports. The managed-policy loader is a fixed
map, so no IAM call (and no network or credentials) is needed: sgref's functions use
explicit roles with inline policies and name no managed policy, so the map is empty; a
template that names one fails here rather than resolving it from the network.
"""

import os
import sys

from samtranslator.model.exceptions import InvalidDocumentException
from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse


class StaticManagedPolicies:
    """Stands for samtranslator's ManagedPolicyLoader: name -> ARN of AWS managed policies."""

    policies: dict[str, str] = {}

    def load(self) -> dict[str, str]:
        return self.policies


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        template = yaml_parse(f.read())
    # sam build and sam package replace a local CodeUri by the S3 object they upload; the
    # translator takes only the latter, so a stand-in goes where sam's upload would.
    for res in template.get("Resources", {}).values():
        props = res.get("Properties") or {}
        if res.get("Type") == "AWS::Serverless::Function" and isinstance(props.get("CodeUri"), str) \
                and not props["CodeUri"].startswith("s3://"):
            props["CodeUri"] = "s3://sam-artifacts/" + res.get("Metadata", {}).get("BuildMethod", "code")
    params = dict(a.split("=", 1) for a in argv[2:])
    # The translator reads the region (for AWS::Region and the partition) from boto3's
    # session, which reads it from the environment, as cfn-lint sets it.
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    try:
        out = transform(template, params, StaticManagedPolicies())
    except InvalidDocumentException as e:
        for cause in e.causes:
            print(f"{argv[1]}: {cause.message}", file=sys.stderr)
        return 1
    resources = out.get("Resources", {})
    print(f"{argv[1]}: transformed to {len(resources)} CloudFormation resources "
          f"({', '.join(sorted({r['Type'] for r in resources.values()}))})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
