"""What bench/security.py gives the brokers and its clients: certificates (the openssl CLI), HS256 tokens (hmac, no
package), the users' CSV and mosquitto's password file, the two ACL files of 1,000 rules, and the HTTP
authentication service, a process of its own started and stopped by its pid."""

import base64
import hashlib
import hmac
import json
import signal
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

JWT_SECRET = "security-bench-secret-of-more-than-32-chars"
PASSWORD = "bench-password"


# --- certificates: a CA, the server's (localhost, 127.0.0.1) and the clients', all EC P-256 ---

def _openssl(*argv, cwd):
    subprocess.run(["openssl", *argv], cwd=cwd, check=True, capture_output=True, timeout=60)


def _signed(name, subject, extensions, folder):
    _openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", f"{name}.key", cwd=folder)
    _openssl("req", "-new", "-key", f"{name}.key", "-subj", subject, "-out", f"{name}.csr", cwd=folder)
    (folder / f"{name}.ext").write_text(extensions + "\n")
    _openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
             "-sha256", "-extfile", f"{name}.ext", "-out", f"{name}.pem", cwd=folder)
    return folder / f"{name}.pem", folder / f"{name}.key"


def certificates(folder, client_names):
    """{"ca": path, "server": (cert, key), "clients": [(cert, key), ...]}, one client certificate per name (its CN)."""
    folder.mkdir(parents=True, exist_ok=True)
    _openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "ca.key", cwd=folder)
    _openssl("req", "-x509", "-new", "-key", "ca.key", "-subj", "/CN=security-bench-ca", "-days", "2", "-sha256",
             "-out", "ca.pem", cwd=folder)
    server = _signed("server", "/CN=localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                     "extendedKeyUsage=serverAuth", folder)
    clients = [_signed(f"client-{k}", f"/CN={name}", "extendedKeyUsage=clientAuth", folder)
               for k, name in enumerate(client_names)]
    return {"ca": folder / "ca.pem", "server": server, "clients": clients}


# --- tokens ---

def _b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def jwt_hs256(username, secret=JWT_SECRET, lifetime_s=3600):
    """A token as an identity provider gives a device: its username and an expiry an hour on."""
    header = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    claims = _b64url(json.dumps({"username": username, "exp": int(time.time()) + lifetime_s},
                                separators=(",", ":")).encode())
    signature = hmac.new(secret.encode(), f"{header}.{claims}".encode(), hashlib.sha256).digest()
    return f"{header}.{claims}.{_b64url(signature)}"


# --- users ---

def users_csv(path, usernames):
    """The built-in database's bootstrap file (bootstrap_type = plain: hashed by the broker at start)."""
    path.write_text("user_id,password,is_superuser\n" + "".join(f"{u},{PASSWORD},false\n" for u in usernames))
    return path


def mosquitto_password_file(path, usernames):
    """mosquitto's password file, hashed by mosquitto_passwd -U (its default: sha512-pbkdf2)."""
    path.write_text("".join(f"{u}:{PASSWORD}\n" for u in usernames))
    subprocess.run(["mosquitto_passwd", "-U", str(path)], check=True, capture_output=True, timeout=300)
    return path


# --- ACLs: 1,000 rules, the publishers' own last, so that every check of theirs reads the 999 others first ---

def other_user(i):
    return f"device-{i}"


def emqx_acl(path, publishers, rules=1000):
    """EMQX acl.conf: rules - len(publishers) - 1 rules for other users and their topics, one rule per publisher for
    its own topics, then {deny, all}: `rules` in all."""
    others = rules - len(publishers) - 1
    lines = [f'{{allow, {{username, "{other_user(i)}"}}, publish, ["plant/{i}/#"]}}.' for i in range(others)]
    lines += [f'{{allow, {{username, "{p}"}}, publish, ["bench/{p}/#"]}}.' for p in publishers]
    lines.append("{deny, all}.")
    path.write_text("\n".join(lines) + "\n")
    return path, len(lines)


def mosquitto_acl(path, publishers, rules=1000):
    """The same rules for mosquitto: a `user` block of one `topic write` per user (anything else is denied)."""
    others = rules - len(publishers)
    blocks = [f"user {other_user(i)}\ntopic write plant/{i}/#\n" for i in range(others)]
    blocks += [f"user {p}\ntopic write bench/{p}/#\n" for p in publishers]
    path.write_text("\n".join(blocks))
    return path, len(blocks)


# --- the HTTP authentication service ---

class _AllowHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the broker keeps pool_size connections open
    # The headers and the body are two writes: with Nagle's algorithm the body would wait for the broker's delayed
    # ACK (40 ms), the service's fault and not the broker's.
    disable_nagle_algorithm = True
    answered = 0
    body = json.dumps({"result": "allow"}).encode()

    def do_POST(self):  # noqa: N802 (http.server's name)
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)
        _AllowHandler.answered += 1

    do_GET = do_POST  # noqa: N815

    def log_message(self, *args):
        pass


def serve_http_auth(port):
    """Runs the service until SIGTERM, then prints how many requests it answered."""
    server = ThreadingHTTPServer(("127.0.0.1", port), _AllowHandler)
    server.daemon_threads = True
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        print(f"answered {_AllowHandler.answered}", flush=True)


def start_http_auth(script, port, log_path):
    """The service as a process of its own (its threads do not take the client's interpreter lock)."""
    log = open(log_path, "wb")
    process = subprocess.Popen([sys.executable, str(script), "--serve-http-auth", str(port)], stdout=log,
                               stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    log.close()
    return process


def stop_http_auth(process, log_path):
    """Stops the service by its pid; returns how many requests it answered (None if it said nothing)."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    text = Path(log_path).read_text(errors="replace")
    found = [line for line in text.splitlines() if line.startswith("answered ")]
    return int(found[-1].split()[1]) if found else None
