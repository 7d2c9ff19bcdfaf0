"""The security limits of ``gigawatt serve`` as a browser meets them, on the real server of
``tests/web_server.py`` (bound to 127.0.0.1): the Host allow-list and the upload limit."""

from __future__ import annotations

import http.client
import json
from urllib.parse import urlsplit

from gigawatt.web.app import MAX_UPLOAD_BYTES


def request(url: str, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> tuple[int, dict]:
    """One raw HTTP request (the headers exactly as given, Host included); the status and the JSON answer."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders(body or None)
        answer = connection.getresponse()
        return answer.status, json.loads(answer.read() or b"{}")
    finally:
        connection.close()


def test_the_served_workbench_answers_only_to_loopback_names(web_server):
    port = urlsplit(web_server.url).port
    status, body = request(web_server.url, "GET", "/api/v1/examples", {"Host": f"evil.example:{port}"})
    assert status == 421 and "evil.example" in body["error"] and f"http://127.0.0.1:{port}/" in body["error"]
    for name in (f"127.0.0.1:{port}", f"localhost:{port}"):
        assert request(web_server.url, "GET", "/api/v1/examples", {"Host": name})[0] == 200, name
    assert f"http://127.0.0.1:{port}/" in web_server.output()  # the address it printed


def test_the_served_workbench_refuses_a_large_upload_before_reading_it(web_server):
    port = urlsplit(web_server.url).port
    # 10 times the limit declared, 5 bytes sent: the 413 comes back without the server waiting for the rest
    status, body = request(web_server.url, "POST", "/api/v1/uploads", {"Host": f"127.0.0.1:{port}", "Content-Type": "multipart/form-data; boundary=b",
                                                                       "Content-Length": str(10 * MAX_UPLOAD_BYTES)}, b"--b\r\n")
    assert status == 413 and "MB" in body["error"]


def test_the_served_workbench_gzips_assets_and_shows_browsers_an_html_refusal(web_server):
    port = urlsplit(web_server.url).port
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", "/vendor/plotly.min.js", headers={"Host": f"127.0.0.1:{port}", "Accept-Encoding": "gzip"})
        answer = connection.getresponse()
        wire = answer.read()
        assert answer.status == 200 and answer.getheader("Content-Encoding") == "gzip" and len(wire) < 2_000_000  # 4.8 MB as sent plain
        connection.request("GET", "/", headers={"Host": f"evil.example:{port}", "Accept": "text/html"})
        refused = connection.getresponse()
        page = refused.read().decode()
        assert refused.status == 421 and refused.getheader("Content-Type").startswith("text/html") and "evil.example" in page
        assert 'href="/"' in page and "Traceback" not in page
    finally:
        connection.close()
