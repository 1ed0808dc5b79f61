"""`python build.py validate`: every problem as path:line:col, all in one run, exit 1, no traceback."""

from helpers import assert_no_traceback, line_of, run_cli

PRACTICE = "practices/multi-stakeholder-coordination.yaml"


def test_real_knowledge_base_is_valid():
    proc = run_cli("validate")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout == ""


def test_syntax_error_points_at_its_line(content_copy):
    path = content_copy / PRACTICE
    text = path.read_text(encoding="utf-8").replace("number: 1\n", "number: 1\ntitle: [unclosed\n", 1)
    path.write_text(text, encoding="utf-8")
    proc = run_cli("validate", root=content_copy)
    assert proc.returncode == 1
    assert_no_traceback(proc)
    line = line_of(path, "[unclosed")
    assert any(l.startswith(f"{PRACTICE}:{line + 1}:") or l.startswith(f"{PRACTICE}:{line}:") for l in proc.stdout.splitlines()), proc.stdout
    assert "YAML syntax error" in proc.stdout


def test_unknown_field_points_at_the_key_with_a_suggestion(content_copy):
    path = content_copy / PRACTICE
    path.write_text(path.read_text(encoding="utf-8").replace("\nsummary:", "\nsummery:", 1), encoding="utf-8")
    proc = run_cli("validate", root=content_copy)
    assert proc.returncode == 1
    assert_no_traceback(proc)
    line = line_of(path, "summery:")
    assert f"{PRACTICE}:{line}:1: multi-stakeholder-coordination summery: unknown field 'summery' (hint: did you mean 'summary'?)" in proc.stdout


def test_dangling_practice_id_points_at_the_reference(content_copy):
    path = content_copy / PRACTICE
    text = path.read_text(encoding="utf-8")
    text = text.replace("practices: [multi-stakeholder-coordination, civil-society-and-community]",
                        "practices: [multi-stakeholder-coordination, civil-society-and-comunity]")
    path.write_text(text, encoding="utf-8")
    proc = run_cli("validate", root=content_copy)
    assert proc.returncode == 1
    assert_no_traceback(proc)
    line = line_of(path, "civil-society-and-comunity")
    col = path.read_text(encoding="utf-8").splitlines()[line - 1].index("civil-society-and-comunity") + 1
    assert (f"{PRACTICE}:{line}:{col}: multi-stakeholder-coordination quotes[0].practices[1]: "
            "unknown key practice id 'civil-society-and-comunity' (hint: did you mean 'civil-society-and-community'?)") in proc.stdout


def test_all_problems_of_several_files_in_one_run(content_copy):
    first = content_copy / PRACTICE
    first.write_text(first.read_text(encoding="utf-8").replace("\nsummary:", "\nsummery:", 1), encoding="utf-8")
    second = content_copy / "countries" / "germany.yaml"
    second.write_text(second.read_text(encoding="utf-8").replace("name: Germany", "name: Germany\ncolour: red", 1),
                      encoding="utf-8")
    proc = run_cli("validate", root=content_copy)
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert any(l.startswith(PRACTICE + ":") and "summery" in l for l in lines), proc.stdout
    assert any(l.startswith("countries/germany.yaml:") and "colour" in l for l in lines), proc.stdout
    assert lines == sorted(lines, key=lambda l: (l.split(":")[0], int(l.split(":")[1]), int(l.split(":")[2])))


def test_wrong_usage_exits_2():
    proc = run_cli("validate", "--format", "xml")
    assert proc.returncode == 2
    assert_no_traceback(proc)
    assert run_cli("no-such-command").returncode == 2
