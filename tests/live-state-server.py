#!/usr/bin/env python3
"""A small AWS endpoint in front of moto for the live-pipeline suite (server/tests/live.rs).

moto 5.2 serves CloudFormation and CodePipeline's GetPipeline, ListPipelineExecutions and
GetPipelineExecution, but:
  - it has no GetPipelineState;
  - its executions carry no revisions (sourceRevisions / artifactRevisions are always []);
  - its CloudFormation drops an AWS::CodePipeline::Pipeline resource (no support for the type),
    so ListStackResources cannot find a stack's pipeline;
  - it has no PutApprovalResult.
This server answers exactly those from what a test seeds, with the shapes the AWS API
reference documents (the test writes the seeded bodies in that shape), and forwards every
other request to moto unchanged. It is a test part, not a fake of AWS: nothing it answers is
invented here.

    live-state-server.py MOTO_ENDPOINT PORT_FILE

listens on a free loopback port and writes it to PORT_FILE. A test seeds it with
    POST /_seed  {"pipelineStates": {NAME: <GetPipelineState response>},
                  "revisions": {EXECUTION_ID: [<SourceRevision>…]},
                  "stackResources": {STACK: [<StackResourceSummary>…]}}
(merged into what is there) and clears it with POST /_reset. PutApprovalResult is checked
against the seeded state (the approval must be InProgress with that token, else
InvalidApprovalTokenException, as AWS answers) and recorded: GET /_approvals lists what was
decided, by token.
"""
import http.client
import json
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

MOTO = urllib.parse.urlsplit(sys.argv[1])
SEED = {
    "pipelineStates": {},
    "revisions": {},
    "stackResources": {},
    "approvals": {},
}
LOCK = threading.Lock()
TARGET = "CodePipeline_20150709."


def not_found(name):
    return 400, {
        "__type": "PipelineNotFoundException",
        "message": f"Account does not have a pipeline with name '{name}'",
    }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet: the suite's output is the tests'
        pass

    def reply(self, status, body, content_type):
        data = body if isinstance(body, bytes) else body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", "live-state-server")
        self.end_headers()
        self.wfile.write(data)

    def reply_json(self, status, doc):
        self.reply(status, json.dumps(doc), "application/x-amz-json-1.1")

    def forward(self, body):
        conn = http.client.HTTPConnection(MOTO.hostname, MOTO.port, timeout=30)
        headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
        headers["Host"] = MOTO.netloc
        conn.request(self.command, self.path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        return resp.status, resp.getheader("Content-Type", "application/octet-stream"), data

    def do_GET(self):
        if self.path == "/_approvals":
            with LOCK:
                return self.reply_json(200, SEED["approvals"])
        status, ctype, data = self.forward(None)
        self.reply(status, data, ctype)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        if self.path == "/_seed":
            with LOCK:
                for key, value in json.loads(body).items():
                    SEED.setdefault(key, {}).update(value)
            return self.reply_json(200, {})
        if self.path == "/_reset":
            with LOCK:
                for value in SEED.values():
                    value.clear()
            return self.reply_json(200, {})
        target = self.headers.get("X-Amz-Target", "")
        if target.startswith(TARGET):
            return self.codepipeline(target[len(TARGET):], body)
        if b"Action=ListStackResources" in body:
            form = urllib.parse.parse_qs(body.decode())
            stack = form.get("StackName", [""])[0]
            with LOCK:
                resources = SEED["stackResources"].get(stack)
            if resources is not None:
                return self.reply(200, list_stack_resources(resources), "text/xml")
        status, ctype, data = self.forward(body)
        self.reply(status, data, ctype)

    def codepipeline(self, op, body):
        request = json.loads(body or b"{}")
        with LOCK:
            seed = json.loads(json.dumps(SEED))
        if op == "GetPipelineState":
            name = request.get("name", "")
            state = seed["pipelineStates"].get(name)
            return self.reply_json(*((200, state) if state else not_found(name)))
        if op == "PutApprovalResult":
            return self.reply_json(*self.put_approval_result(request, seed))
        status, ctype, data = self.forward(body)
        if status == 200 and op in ("ListPipelineExecutions", "GetPipelineExecution"):
            doc = json.loads(data)
            for e in doc.get("pipelineExecutionSummaries", []):
                e["sourceRevisions"] = seed["revisions"].get(e["pipelineExecutionId"], [])
            e = doc.get("pipelineExecution")
            if e:
                e["artifactRevisions"] = [
                    {
                        "name": r.get("actionName"),
                        "revisionId": r.get("revisionId"),
                        "revisionSummary": r.get("revisionSummary"),
                        "revisionUrl": r.get("revisionUrl"),
                    }
                    for r in seed["revisions"].get(e["pipelineExecutionId"], [])
                ]
            data = json.dumps(doc).encode()
        self.reply(status, data, ctype)


    @staticmethod
    def put_approval_result(request, seed):
        name = request.get("pipelineName", "")
        state = seed["pipelineStates"].get(name)
        if not state:
            return not_found(name)
        token = request.get("token")
        for stage in state.get("stageStates", []):
            if stage.get("stageName") != request.get("stageName"):
                continue
            for action in stage.get("actionStates", []):
                latest = action.get("latestExecution") or {}
                if (
                    action.get("actionName") == request.get("actionName")
                    and latest.get("status") == "InProgress"
                    and latest.get("token") == token
                ):
                    with LOCK:
                        SEED["approvals"][token] = request
                    return 200, {"approvedAt": time.time()}
        return 400, {
            "__type": "InvalidApprovalTokenException",
            "message": "The approval action has already been approved or rejected, or the "
            "token is not valid",
        }


def list_stack_resources(resources):
    """The awsQuery XML of ListStackResources, as the CloudFormation API reference shows it."""
    members = "".join(
        "<member>"
        + "".join(f"<{k}>{escape(str(v))}</{k}>" for k, v in r.items())
        + "</member>"
        for r in resources
    )
    return (
        '<ListStackResourcesResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">'
        f"<ListStackResourcesResult><StackResourceSummaries>{members}</StackResourceSummaries>"
        "</ListStackResourcesResult>"
        "<ResponseMetadata><RequestId>live-state-server</RequestId></ResponseMetadata>"
        "</ListStackResourcesResponse>"
    )


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(sys.argv[2], "w") as f:
        f.write(str(server.server_address[1]))
    server.serve_forever()


if __name__ == "__main__":
    main()
