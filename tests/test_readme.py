"""The README's promises: its two commands exist and the state diagram matches the code."""

from pathlib import Path

from django.conf import settings

from workflow.management.commands.state_diagram import mermaid

ROOT = Path(settings.BASE_DIR)
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_state_diagram_matches_the_model():
    assert f"```mermaid\n{mermaid()}\n```" in README, "regenerate the README's mermaid block"


def test_readme_commands_exist_and_ci_calls_the_test_command():
    for command in ("./scripts/run", "./scripts/test"):
        assert command in README
        assert (ROOT / command).stat().st_mode & 0o111, f"{command} is not executable"
    assert "./scripts/test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
