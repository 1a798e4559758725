"""Shell completion for bash, zsh and fish, through the installed `llamacloud-prod` script.

Typer's protocol: the shell runs the program with `_LLAMACLOUD_PROD_COMPLETE` set to
`source_<shell>` (print the script) or `complete_<shell>` (answer one Tab), reading the words
from `COMP_WORDS`/`COMP_CWORD` (bash) or `_TYPER_COMPLETE_ARGS` (zsh, fish). Tests that need a
real shell are skipped where that shell is not installed.
"""

from __future__ import annotations

import os
import re
import select
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "completion.md"
PROG = "llamacloud-prod"
VAR = "_LLAMACLOUD_PROD_COMPLETE"

COLON_GROUPS = ["beta:batch", "beta:batch:job-items"]


def _console_script() -> str | None:
    name = PROG + (".exe" if os.name == "nt" else "")
    candidate = Path(sys.executable).with_name(name)
    return str(candidate) if candidate.exists() else shutil.which(PROG)


@pytest.fixture(scope="module")
def exe() -> str:
    found = _console_script()
    if found is None:
        pytest.skip("the llamacloud-prod console script is not installed (pip install -e .)")
    return found


def _env(exe: str, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith((VAR, "_TYPER_COMPLETE", "COMP_", "LLAMA_"))
    }
    env["PATH"] = os.path.dirname(exe) + os.pathsep + env.get("PATH", "")
    env.update(extra)
    return env


def _run(exe: str, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [exe, *args], env=_env(exe, **extra), capture_output=True, text=True, timeout=60
    )


def _bash_complete(exe: str, line: str, cword: int, **extra: str) -> list[str]:
    result = _run(exe, COMP_WORDS=line, COMP_CWORD=str(cword), **{VAR: "complete_bash"}, **extra)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def _needs(shell: str) -> str:
    path = shutil.which(shell)
    if path is None:
        pytest.skip(f"{shell} is not installed")
    return path


def _colon_aware_bash_script() -> str:
    text = DOC.read_text(encoding="utf-8")
    marker = text.index("<!-- colon-aware-bash-completion")
    match = re.search(r"```bash\n(.*?)```", text[marker:], re.S)
    assert match is not None
    return match.group(1)


# --- the scripts -----------------------------------------------------------------------------

SCRIPT_MARKERS = {
    "bash": ["complete -o default -F _llamacloud_prod_completion llamacloud-prod"],
    "zsh": ["#compdef llamacloud-prod", "compdef _llamacloud_prod_completion llamacloud-prod"],
    "fish": ["complete --command llamacloud-prod"],
}


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_a_completion_script_is_produced_for_each_shell(exe: str, shell: str) -> None:
    result = _run(exe, **{VAR: f"source_{shell}"})

    assert result.returncode == 0, result.stderr
    for marker in SCRIPT_MARKERS[shell]:
        assert marker in result.stdout
    assert f"{VAR}=complete_{shell}" in result.stdout


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_show_completion_prints_the_script_of_the_shell_it_runs_in(
    exe: str, shell: str, tmp_path: Path
) -> None:
    path = _needs(shell)
    flags = {"bash": ["--norc", "--noprofile"], "zsh": ["-f"], "fish": ["--no-config"]}[shell]
    # "; true" keeps the shell alive as the parent, where the shell is detected.
    command = f"{PROG} --show-completion; true"
    result = subprocess.run(
        [path, *flags, "-c", command],
        env=_env(exe, HOME=str(tmp_path)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    for marker in SCRIPT_MARKERS[shell]:
        assert marker in result.stdout


INSTALLED = {
    "bash": (".bash_completions/llamacloud-prod.sh", ".bashrc"),
    "zsh": (".zfunc/_llamacloud-prod", ".zshrc"),
    "fish": (".config/fish/completions/llamacloud-prod.fish", None),
}


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_install_completion_writes_the_files_the_docs_name(
    exe: str, shell: str, tmp_path: Path
) -> None:
    path = _needs(shell)
    flags = {"bash": ["--norc", "--noprofile"], "zsh": ["-f"], "fish": ["--no-config"]}[shell]
    result = subprocess.run(
        [path, *flags, "-c", f"{PROG} --install-completion; true"],
        env=_env(exe, HOME=str(tmp_path)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    script, rc_file = INSTALLED[shell]
    assert SCRIPT_MARKERS[shell][0] in (tmp_path / script).read_text()
    if rc_file is not None:
        assert (tmp_path / rc_file).exists()
    docs = DOC.read_text(encoding="utf-8")
    assert f"`~/{script}`" in docs


# --- answers to one Tab ----------------------------------------------------------------------


def test_bash_completes_a_colon_group_prefix(exe: str) -> None:
    assert _bash_complete(exe, "llamacloud-prod beta:b", 1) == COLON_GROUPS


@pytest.mark.parametrize(
    ("line", "cword", "expected"),
    [
        ("llamacloud-prod ", 1, ["emulator", *COLON_GROUPS]),
        ("llamacloud-prod beta:batch ", 2, ["create", "list", "get-status", "cancel"]),
        ("llamacloud-prod beta:batch:job-items ", 2, ["list", "get-processing-results"]),
        ("llamacloud-prod beta:batch create --wa", 3, ["--wait", "--wait-timeout"]),
        ("llamacloud-prod beta:batch create --validate ", 4, ["warn", "strict", "ignore"]),
        ("llamacloud-prod --format j", 2, ["json", "jsonl"]),
        ("llamacloud-prod --debug beta:batch:j", 2, ["beta:batch:job-items"]),
    ],
)
def test_bash_completes_commands_options_and_choices(
    exe: str, line: str, cword: int, expected: list[str]
) -> None:
    assert _bash_complete(exe, line, cword) == expected


def test_completion_reads_no_settings(exe: str) -> None:
    """No API key and a broken base URL: completion still answers (it never resolves them)."""
    env = {"LLAMA_CLOUD_BASE_URL": "not-a-url", "LLAMA_CLOUD_TIMEOUT": "soon"}
    assert _bash_complete(exe, "llamacloud-prod beta:b", 1, **env) == COLON_GROUPS


def test_zsh_completes_a_colon_group_prefix_with_escaped_colons(exe: str) -> None:
    result = _run(exe, _TYPER_COMPLETE_ARGS="llamacloud-prod beta:b", **{VAR: "complete_zsh"})

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("_arguments")
    assert '"beta\\\\:batch":' in result.stdout
    assert '"beta\\\\:batch\\\\:job-items":' in result.stdout


def test_fish_completes_a_colon_group_prefix(exe: str) -> None:
    result = _run(
        exe,
        _TYPER_COMPLETE_ARGS="llamacloud-prod beta:b",
        _TYPER_COMPLETE_FISH_ACTION="get-args",
        **{VAR: "complete_fish"},
    )
    assert result.returncode == 0, result.stderr
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == COLON_GROUPS


# --- bash word breaks ------------------------------------------------------------------------
#
# With the default COMP_WORDBREAKS, bash hands a completion function `llamacloud-prod beta:b`
# as COMP_WORDS=(llamacloud-prod beta : b), COMP_CWORD=3, with quotes kept inside words, and
# replaces only its word under the cursor ($2, here "b") with the answer. The calls below
# reproduce exactly that (as observed in an interactive bash 5.2), without a terminal.

CALL_FUNCTION = """
source "$1"
{setup}
COMP_LINE={line}
COMP_POINT=${{#COMP_LINE}}
COMP_WORDS=({words})
COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1))
_llamacloud_prod_completion llamacloud-prod {cur} "${{COMP_WORDS[COMP_CWORD - 1]}}"
printf '%s\\n' "${{COMPREPLY[@]}}"
"""


def _call_bash_function(
    exe: str,
    script: str,
    tmp_path: Path,
    line: str,
    words: list[str],
    cur: str | None = None,
    setup: str = "",
) -> list[str]:
    bash = _needs("bash")
    path = tmp_path / "completion.bash"
    path.write_text(script, encoding="utf-8")
    code = CALL_FUNCTION.format(
        setup=setup,
        line=shlex.quote(line),
        words=" ".join(shlex.quote(word) for word in words),
        cur=shlex.quote(words[-1] if cur is None else cur),
    )
    result = subprocess.run(
        [bash, "--norc", "--noprofile", "-c", code, "bash", str(path)],
        env=_env(exe),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return [line for line in result.stdout.splitlines() if line]


@pytest.fixture(scope="module")
def typer_bash_script(exe: str) -> str:
    return _run(exe, **{VAR: "source_bash"}).stdout


def test_typers_bash_script_breaks_on_colons_with_default_word_breaks(
    exe: str, typer_bash_script: str, tmp_path: Path
) -> None:
    """Why docs/completion.md has a fix: the whole name would replace the "b" after ":"."""
    words = ["llamacloud-prod", "beta", ":", "b"]
    replies = _call_bash_function(exe, typer_bash_script, tmp_path, "llamacloud-prod beta:b", words)
    assert replies == COLON_GROUPS  # bash would turn the line into "beta:beta:batch"


def test_typers_bash_script_works_without_colon_in_word_breaks(
    exe: str, typer_bash_script: str, tmp_path: Path
) -> None:
    replies = _call_bash_function(
        exe,
        typer_bash_script,
        tmp_path,
        "llamacloud-prod beta:b",
        ["llamacloud-prod", "beta:b"],
        setup="COMP_WORDBREAKS=${COMP_WORDBREAKS//:}",
    )
    assert replies == COLON_GROUPS


CONFIG = """'{"a": 1}'"""


@pytest.mark.parametrize(
    ("line", "words", "cur", "expected"),
    [
        ("llamacloud-prod beta:b", ["beta", ":", "b"], None, ["batch", "batch:job-items"]),
        ("llamacloud-prod beta:batch:", ["beta", ":", "batch", ":"], "", ["job-items"]),
        ("llamacloud-prod beta:batch:j", ["beta", ":", "batch", ":", "j"], None, ["job-items"]),
        ("llamacloud-prod beta:batch c", ["beta", ":", "batch", "c"], None, ["create", "cancel"]),
        (
            "llamacloud-prod beta:batch create --validate=st",
            ["beta", ":", "batch", "create", "--validate", "=", "st"],
            None,
            ["strict"],
        ),
        (
            f"llamacloud-prod beta:batch create --job-config {CONFIG} --wa",
            ["beta", ":", "batch", "create", "--job-config", CONFIG, "--wa"],
            None,
            ["--wait", "--wait-timeout"],
        ),
    ],
)
def test_the_documented_bash_script_handles_colons(
    exe: str, tmp_path: Path, line: str, words: list[str], cur: str | None, expected: list[str]
) -> None:
    script = _colon_aware_bash_script()
    replies = _call_bash_function(exe, script, tmp_path, line, ["llamacloud-prod", *words], cur)
    assert replies == expected


def test_the_documented_bash_script_also_works_without_colon_in_word_breaks(
    exe: str, tmp_path: Path
) -> None:
    replies = _call_bash_function(
        exe,
        _colon_aware_bash_script(),
        tmp_path,
        "llamacloud-prod beta:b",
        ["llamacloud-prod", "beta:b"],
        setup="COMP_WORDBREAKS=${COMP_WORDBREAKS//:}",
    )
    assert replies == COLON_GROUPS


# --- a real interactive shell ----------------------------------------------------------------


def _type_into_shell(argv: list[str], env: dict[str, str], setup: list[str], typed: str) -> str:
    """Start an interactive shell on a pseudo-terminal, type, press Tab, then Ctrl-T, which
    `setup` binds to print the edited line as RESULT=[...]; return that line."""
    import pty

    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.execvpe(argv[0], argv, env)
        finally:
            os._exit(127)
    output = b""
    try:
        script = "".join(line + "\n" for line in setup) + typed + "\t\x14"
        os.write(fd, script.encode())
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                try:
                    output += os.read(fd, 4096)
                except OSError:
                    break
                found = re.search(rb"RESULT=\[([^\]\r\n]*)\]", output)
                if found:
                    return found.group(1).decode()
    finally:
        os.close(fd)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    raise AssertionError(f"no result from {argv[0]}: {output[-2000:]!r}")


pty_only = pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")


@pty_only
@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("llamacloud-prod beta:b", "llamacloud-prod beta:batch"),
        ("llamacloud-prod beta:batch:j", "llamacloud-prod beta:batch:job-items "),
        ("llamacloud-prod beta:batch cr", "llamacloud-prod beta:batch create "),
    ],
)
def test_tab_in_interactive_bash_with_the_documented_script(
    exe: str, tmp_path: Path, typed: str, expected: str
) -> None:
    bash = _needs("bash")
    script = tmp_path / "completion.bash"
    script.write_text(_colon_aware_bash_script(), encoding="utf-8")
    env = _env(exe, HOME=str(tmp_path), PS1="$ ", TERM="dumb", INPUTRC="/dev/null")
    setup = [
        f"source '{script}'",
        """bind -x '"\\C-t": printf "%s=[%s]\\n" RESULT "$READLINE_LINE"'""",
    ]
    assert _type_into_shell([bash, "--norc", "--noprofile", "-i"], env, setup, typed) == expected


@pty_only
def test_tab_in_interactive_zsh(exe: str, tmp_path: Path) -> None:
    zsh = _needs("zsh")
    script = tmp_path / "_llamacloud-prod"
    script.write_text(_run(exe, **{VAR: "source_zsh"}).stdout, encoding="utf-8")
    env = _env(exe, HOME=str(tmp_path), ZDOTDIR=str(tmp_path), PS1="$ ", TERM="dumb")
    env.pop("EDITOR", None)
    env.pop("VISUAL", None)
    setup = [
        "autoload -Uz compinit && compinit -u -D",
        f"source '{script}'",
        'show-line() { print -r -- "RES""ULT=[$BUFFER]" }',
        "zle -N show-line && bindkey '^T' show-line",
    ]
    typed = "llamacloud-prod beta:batch:j"
    result = _type_into_shell([zsh, "-f", "-i"], env, setup, typed)
    assert result == "llamacloud-prod beta:batch:job-items "


def test_fish_complete_command_offers_the_colon_groups(exe: str, tmp_path: Path) -> None:
    fish = _needs("fish")
    script = tmp_path / "llamacloud-prod.fish"
    script.write_text(_run(exe, **{VAR: "source_fish"}).stdout, encoding="utf-8")
    result = subprocess.run(
        [fish, "--no-config", "-c", f"source '{script}'; complete -C 'llamacloud-prod beta:b'"],
        env=_env(exe, HOME=str(tmp_path)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == COLON_GROUPS
