#!/usr/bin/env python3
"""docs.py - docs that run: executes every example of README.md, docs/output.md and
docs/commands/*.md
(```console blocks, `$ lever ...` lines) and compares what it prints with what the
document shows; with --update, rewrites the documents' outputs instead. The rules
(stores, elisions, directives) are in tests/README.md. Python standard library only.

usage: docs.py --lever PATH [--update] [FILE.md ...]
Prints "ok: ...", "FAIL: ..." (with a diff) or "skip: ... (why)" per example and a last
line "RESULT pass fail skip", as the tests/cli scripts do.
"""
import argparse
import difflib
import fcntl
import os
import pty
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COLUMNS, LINES = 120, 50
TIMEOUT = 120
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
DIRECTIVE = re.compile(r"^<!--\s*golden:\s*(.*?)\s*-->\s*$")
SHARED_FILES = {  # name in the examples -> path under the real-data folder
    "baci_hs92_v202301_2021_imports_DZA.csv": "baci_hs92_v202301_2021_imports_DZA.csv",
    "baci_hs92_v202301_2021_exports_DZA.csv": "baci_hs92_v202301_2021_exports_DZA.csv",
    "country_codes_V202301.csv": "dict/country_codes_V202301.csv",
    "product_codes_HS92_V202301.csv": "dict/product_codes_HS92_V202301.csv",
}
SHARED_WORDS = ("dza.store",) + tuple(SHARED_FILES)


class Block:
    """One ```console block: its commands with the lines they are shown to print."""

    def __init__(self, path, start, end, lines, directives):
        self.path, self.start, self.end = path, start, end  # line indexes of the fences
        self.directives = directives
        self.files = []  # [(name, lines)]: file blocks written before it runs
        self.steps = []  # [command, [expected lines]]
        for line in lines:
            if line.startswith("$ ") and not (self.steps and self.steps[-1][0].endswith("\\")):
                self.steps.append([line[2:], []])
            elif self.steps and self.steps[-1][0].endswith("\\") and not self.steps[-1][1]:
                self.steps[-1][0] += "\n" + line
            elif self.steps:
                self.steps[-1][1].append(line)

    def name(self):
        first = self.steps[0][0].split("\n")[0] if self.steps else ""
        return "%s:%d: %s" % (os.path.relpath(self.path, ROOT), self.start + 1, first)


def blocks_of(path):
    text = open(path, encoding="utf-8").read().split("\n")
    out, files, n, directives = [], [], 0, {}
    while n < len(text):
        m = DIRECTIVE.match(text[n])
        if m and m.group(1).startswith("skip"):
            directives["skip"] = m.group(1)[4:].lstrip(":= ")
        elif m:
            for word in m.group(1).split():
                key, _, value = word.partition("=")
                directives[key] = value
        if "file" in directives and text[n].startswith("```") and text[n].strip() != "```console":
            end = n + 1
            while end < len(text) and text[end].strip() != "```":
                end += 1
            files.append((directives.pop("file"), text[n + 1:end], len(out)))
            n = end
        elif text[n].strip() == "```console":
            end = n + 1
            while end < len(text) and text[end].strip() != "```":
                end += 1
            block = Block(path, n, end, text[n + 1:end], directives)
            if block.steps and any(s[0].startswith("lever ") for s in block.steps):
                block.files = [(name, lines) for name, lines, at in files if at == len(out)]
                files = [f for f in files if f[2] != len(out)]
                out.append(block)
            directives = {}
            n = end
        n += 1
    return out, text


FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def write_file(folder, name, lines):
    """Writes a file block of the page into the page's folder: a plain name only (no
    folder, no "..") and a new file, never through a symbolic link (the folder holds
    links to the real data, which must never be written)."""
    if not FILE_NAME.fullmatch(name) or ".." in name:
        raise ValueError("file=%s: a file block needs a plain file name" % name)
    path = os.path.join(folder, name)
    if os.path.lexists(path):
        os.unlink(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def run_on_terminal(command, cwd, env):
    """Runs command with its output on a pseudo-terminal of COLUMNS x LINES, as a person
    sees it: tables, stderr interleaved. Returns (status, text)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
    proc = subprocess.Popen(["sh", "-c", command], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                            stdout=slave, stderr=slave, start_new_session=True)
    os.close(slave)
    chunks, deadline = [], time.monotonic() + TIMEOUT
    while True:
        ready, _, _ = select.select([master], [], [], 1)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:
                data = b""
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
        if time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            chunks.append(b"\n[timed out]\n")
            break
    os.close(master)
    status = proc.wait()
    return status, b"".join(chunks).decode("utf-8", "replace")


def screen_lines(text):
    """What the terminal shows: CRLF as newlines, a carriage return rewrites its line
    (progress bars), escape sequences dropped, trailing blanks dropped."""
    lines = []
    for line in text.replace("\r\n", "\n").split("\n"):
        line = ANSI.sub("", line.split("\r")[-1]).rstrip()
        lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def line_matches(want, got):
    if "..." not in want:
        return want == got.rstrip()
    pattern = ".*".join(re.escape(part) for part in want.rstrip().split("..."))
    return re.fullmatch(pattern, got.rstrip()) is not None


def lines_match(want, got):
    """want may hold lines "..." (any number of lines, none included); other lines may
    hold "..." (any text within the line)."""
    memo = {}

    def match(i, j):
        if (i, j) in memo:
            return memo[(i, j)]
        if i == len(want):
            r = j == len(got)
        elif want[i].strip() == "...":
            r = any(match(i + 1, k) for k in range(j, len(got) + 1))
        else:
            r = j < len(got) and line_matches(want[i], got[j]) and match(i + 1, j + 1)
        memo[(i, j)] = r
        return r

    sys.setrecursionlimit(max(10000, 4 * (len(want) + len(got))))
    return match(0, 0)


def updated(want, got):
    """The output to write for a step whose output no longer matches. The document's lines
    that still match (in order) are kept as written, with their in-line elisions; output
    the document skipped becomes a "..." line; where the document showed lines that no
    longer match, the new lines take their place (as many, then "...")."""
    shown = [w for w in want if w.strip() != "..."]
    if not shown:
        return got
    n, m = len(shown), len(got)
    best = [[0] * (m + 1) for _ in range(n + 1)]  # longest common excerpt from (i, j)
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            best[i][j] = (best[i + 1][j + 1] + 1 if line_matches(shown[i], got[j])
                          else max(best[i + 1][j], best[i][j + 1]))
    pairs, i, j = [], 0, 0
    while i < n and j < m:
        if line_matches(shown[i], got[j]) and best[i][j] == best[i + 1][j + 1] + 1:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif best[i + 1][j] >= best[i][j + 1]:
            i += 1
        else:
            j += 1
    out, wi, gj = [], 0, 0
    for pi, pj in pairs + [(n, m)]:
        skipped_want, skipped_got = pi - wi, got[gj:pj]
        if skipped_got:
            if skipped_want == 0:
                out.append("...")
            else:
                out.extend(skipped_got[:skipped_want])
                if len(skipped_got) > skipped_want:
                    out.append("...")
        if pi < n:
            out.append(shown[pi])
        wi, gj = pi + 1, pj + 1
    return out


class Runner:
    def __init__(self, lever, shared, work):
        self.lever, self.shared, self.work = lever, shared, work
        self.bin = os.path.join(work, "bin")
        os.makedirs(self.bin)
        os.symlink(lever, os.path.join(self.bin, "lever"))
        self.stores = os.path.join(work, "stores")
        os.makedirs(self.stores)

    def env(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith("LEVER")}
        env.update(PATH=self.bin + os.pathsep + env.get("PATH", "/usr/bin:/bin"),
                   NO_COLOR="1", LC_ALL="C.UTF-8", TERM="dumb",
                   COLUMNS=str(COLUMNS), LINES=str(LINES))
        return env

    def fetch_server(self):
        """The local HTTP server of lever fetch's tests (tests/fetch_server.py, 127.0.0.1
        only, synthetic Comtrade answers), started once for every page that asks for it;
        returns its base URL."""
        if not getattr(self, "server_url", None):
            www, port = os.path.join(self.work, "www"), os.path.join(self.work, "port")
            os.makedirs(www)
            self.server = subprocess.Popen(
                [sys.executable, os.path.join(ROOT, "tests", "fetch_server.py"), www, port,
                 os.path.join(self.work, "server.log")], stdin=subprocess.DEVNULL)
            deadline = time.monotonic() + 10
            while not (os.path.exists(port) and open(port).read().strip()):
                if time.monotonic() > deadline:
                    raise RuntimeError("the local fetch server did not start")
                time.sleep(0.05)
            self.server_url = "http://127.0.0.1:%s" % open(port).read().strip()
        return self.server_url

    def stop(self):
        if getattr(self, "server", None):
            self.server.kill()
            self.server.wait()

    def demo_store(self):
        path = os.path.join(self.stores, "demo.store")
        if not os.path.exists(path):
            csv = os.path.join(self.stores, "demo.csv")
            subprocess.run([self.lever, "synth", "--rows", "300000", "--seed", "1", "-o", csv],
                           check=True)
            subprocess.run([self.lever, "import", "-q", csv, "-o", path], check=True)
        return path

    def dza_store(self):
        path = os.path.join(self.stores, "dza.store")
        if not os.path.exists(path):
            files = [os.path.join(self.shared, SHARED_FILES[f]) for f in SHARED_FILES]
            subprocess.run([self.lever, "import", "-q"] + files + ["-o", path], check=True)
        return path

    def folder(self, needs_shared):
        """A fresh folder for one document: the demo store, and the real files and store
        when the document needs them, under the names the examples use."""
        d = tempfile.mkdtemp(dir=self.work)
        # Copies, not links: an example may import over its store, and lever writes
        # through a symbolic link to its target, which other documents share.
        shutil.copyfile(self.demo_store(), os.path.join(d, "demo.store"))
        if needs_shared:
            for name, rel in SHARED_FILES.items():
                os.symlink(os.path.join(self.shared, rel), os.path.join(d, name))
            shutil.copyfile(self.dza_store(), os.path.join(d, "dza.store"))
        return d


def check_file(runner, path, update, counts):
    blocks, text = blocks_of(path)
    if not blocks:
        return
    have_shared = os.path.isdir(runner.shared)
    uses_shared = any(w in s[0] or w in b.directives.get("store", "")
                      for b in blocks for s in b.steps for w in SHARED_WORDS)
    cwd = runner.folder(uses_shared and have_shared)
    env = runner.env()
    env["LEVER_STORE"] = "demo.store"
    edits = []
    for b in blocks:
        needs = any(w in s[0] or w in b.directives.get("store", "")
                    for s in b.steps for w in SHARED_WORDS)
        for name, lines in b.files:
            write_file(cwd, name, lines)
        if "skip" in b.directives:
            print("skip: docs: %s (%s)" % (b.name(), b.directives.get("skip") or "marked skip"))
            counts[2] += 1
            continue
        if needs and not have_shared:
            print("skip: docs: %s (real data folder ../shared/data is absent)" % b.name())
            counts[2] += 1
            continue
        block_env = dict(env)
        if b.directives.get("store"):
            block_env["LEVER_STORE"] = b.directives["store"]
        if b.directives.get("server") == "comtrade":
            # lever fetch comtrade asks the local test server, with the page's own cache
            block_env["LEVER_COMTRADE_URL"] = runner.fetch_server()
            block_env["XDG_CACHE_HOME"] = os.path.join(cwd, ".cache")
            block_env.pop("COMTRADE_KEY", None)
        failures, new_lines = [], []
        for command, want in b.steps:
            m = re.fullmatch(r"export (\w+)=(\S+)", command.strip())
            if m:
                env[m.group(1)] = block_env[m.group(1)] = m.group(2)
                got = []
            else:
                status, out = run_on_terminal(command, cwd, block_env)
                got = screen_lines(out)
            ok = lines_match(want, got)
            if not ok:
                failures.append((command, want, got))
            new_lines.append("$ " + command)
            new_lines.extend(updated(want, got) if not ok else want)
        if not failures:
            print("ok: docs: %s" % b.name())
            counts[0] += 1
        elif update:
            print("updated: docs: %s" % b.name())
            counts[0] += 1
            edits.append((b.start + 1, b.end, new_lines))
        else:
            print("FAIL: docs: %s" % b.name())
            counts[1] += 1
            for command, want, got in failures:
                print("    | $ %s" % command.split("\n")[0])
                for line in list(difflib.unified_diff(want, got, "document", "lever", lineterm=""))[:60]:
                    print("    | " + line)
    if edits:
        for start, end, lines in reversed(edits):
            text[start:end] = lines
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(text))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lever", required=True)
    ap.add_argument("--update", action="store_true")
    ap.add_argument("files", nargs="*")
    args = ap.parse_args()
    files = args.files or [os.path.join(ROOT, "README.md"), os.path.join(ROOT, "docs", "output.md")] + sorted(
        os.path.join(ROOT, "docs", "commands", f)
        for f in os.listdir(os.path.join(ROOT, "docs", "commands")) if f.endswith(".md"))
    shared = os.environ.get("LEVER_SHARED_DATA") or os.path.join(ROOT, "..", "shared", "data")
    work = tempfile.mkdtemp(prefix="lever-docs.")
    counts = [0, 0, 0]
    try:
        runner = Runner(os.path.abspath(args.lever), shared, work)
        for path in files:
            check_file(runner, os.path.abspath(path), args.update, counts)
    finally:
        if "runner" in locals():
            runner.stop()
        shutil.rmtree(work, ignore_errors=True)
    print("RESULT %d %d %d" % tuple(counts))
    return 1 if counts[1] else 0


if __name__ == "__main__":
    sys.exit(main())
