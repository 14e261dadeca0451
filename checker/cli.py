"""The `zwgk` command: parse options, call the core, call a reporter, return an exit code.

One function per subcommand, each returning an int. Every `CheckerError` raised below is
turned into Chinese messages on stderr and exit code 2 by `main`; nothing else prints.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import gc
import os
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from checker.errors import EXIT_ERROR, EXIT_FAILED, EXIT_INTERNAL, EXIT_OK, CheckerError, UsageError

from checker.reporters import FORMATS  # noqa: E402  (import-light by design)

if TYPE_CHECKING:
    from checker.evidence.load import EvidenceSet
    from checker.progress import Progress

FAIL_ON = ("minor", "major", "critical", "never")
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_cli_date(text: str, option: str) -> dt.date:
    if _ISO_DAY.fullmatch(text):  # the usual form, without building the evidence date parser (0.02 s)
        with contextlib.suppress(ValueError):
            return dt.date.fromisoformat(text)
    from checker.evidence.parse import parse_datetime

    import polars as pl

    value = pl.select(parse_datetime(pl.lit(text, dtype=pl.String))).item()
    if value is None:
        if _ISO_DAY.fullmatch(text):  # the right form, but no such day (2023-02-29)
            raise UsageError(f"{option} 的日期 “{text}” 不存在，请检查月份和日期")
        raise UsageError(f"{option} 的日期 “{text}” 无法识别（应为 2023-03-01、2023/3/1 或 2023年3月1日）")
    return value.date()


def load_calendar(path: str | None):  # type: ignore[no-untyped-def]
    from checker.calendar import WorkCalendar, default_calendar

    return WorkCalendar.load(Path(path)) if path else default_calendar()


def select_packs(selectors: tuple[str, ...], profile: str | None):  # type: ignore[no-untyped-def]
    """Packs from --rules (ids or files; none = every built-in pack) or from a --profile file."""
    from checker.rulepack import load_profile, resolve_packs

    if profile is None:
        return resolve_packs(list(selectors))
    if selectors:
        raise UsageError("--profile 与 --rules 不能同时使用：配置文件中的 packs 已选定规则包")
    return load_profile(Path(profile))


profile_option = click.option(
    "--profile",
    type=click.Path(dir_okay=False),
    help="配置文件（YAML）：选定规则包并按规则编号调整参数（如本市12345热线办理期限）；不能与 --rules 同用。",
)

calendar_option = click.option(
    "--calendar",
    "calendar_file",
    type=click.Path(dir_okay=False),
    help="日历覆盖文件（YAML），补充 chinesecalendar 尚未收录年度的节假日和调休安排。",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="zwgk-checker", message="zwgk %(version)s")
def cli() -> None:
    """政务公开合规检查：把任务分解表的量化要求写成规则，检查佐证台账，输出审计报告。

    \b
    常用：
      zwgk demo                               生成演示台账并完整检查一遍
      zwgk check 台账目录 --year 2022         按全部内置规则包检查
      zwgk validate 台账目录                  只校验台账格式
      zwgk calendar deadline 2023-04-22 1     计算 1 个工作日的期限
      zwgk draft 分解表.docx --pack-id x-2023  从新一年的任务分解表起草规则包
    """


# --------------------------------------------------------------------------- check
@cli.command()
@click.argument("evidence", type=click.Path())
@click.option("--rules", "rules", multiple=True, metavar="PACK_ID|FILE", help="规则包编号或 YAML 文件，可重复；默认使用全部内置规则包。")
@profile_option
@click.option("--year", type=int, help="检查年度：只检查该年度的记录（按各类台账的期间日期归属）。")
@click.option("--as-of", "as_of", metavar="DATE", help="检查基准日，决定哪些期限已到期；默认今天。")
@click.option("--format", "formats", multiple=True, type=click.Choice(FORMATS), help="报告格式，可重复；默认全部。")
@click.option("--out", type=click.Path(file_okay=False), default="reports", show_default=True, help="报告输出目录。")
@click.option("--fail-on", type=click.Choice(FAIL_ON), default="major", show_default=True, help="达到该级别的未通过规则使退出码为 1。")
@click.option("--waivers", "waivers_file", type=click.Path(dir_okay=False), help="豁免文件（YAML）：被豁免的违规仍列在报告中，但不影响退出码。")
@click.option("--baseline", "baseline_file", type=click.Path(dir_okay=False), help="上一次检查的 report.json：标出新增、持续和已整改的问题。")
@calendar_option
@click.option("--quiet", is_flag=True, help="不在终端输出摘要和进度（进度只在终端中、耗时较长时显示于标准错误）。")
def check(
    evidence: str,
    rules: tuple[str, ...],
    profile: str | None,
    year: int | None,
    as_of: str | None,
    formats: tuple[str, ...],
    out: str,
    fail_on: str,
    waivers_file: str | None,
    baseline_file: str | None,
    calendar_file: str | None,
    quiet: bool,
) -> int:
    """检查佐证台账 EVIDENCE（目录或单个工作簿），输出报告。

    退出码：0 没有达到 --fail-on 级别的未通过规则；1 有；2 用法、规则或台账有误。
    """
    from checker.evidence.scan_ahead import ahead

    with ahead(Path(evidence)):  # first: large workbooks are pre-scanned while the rest imports
        from checker.progress import Progress

        as_of_date = parse_cli_date(as_of, "--as-of") if as_of is not None else dt.date.today()
        if year is not None and not 1990 <= year <= 2200:
            raise UsageError(f"--year {year} 不是有效的年度")
        progress = Progress.for_terminal(quiet=quiet)
        try:
            with bulk_allocation(), loading(Path(evidence), progress) as records:
                from checker.engine import run_check
                from checker.reporters import check_output, prepare, write_reports

                calendar = load_calendar(calendar_file)
                packs = select_packs(rules, profile)
                waivers = _load_waivers(waivers_file)
                old = _load_baseline(baseline_file)
                check_output(Path(out), list(formats or FORMATS))  # before the work, not after it
                prepare(list(formats or FORMATS))
                report = run_check(records(), packs, as_of=as_of_date, year=year, calendar=calendar, progress=progress)
                report = _review(report, packs, waivers, old, as_of_date)
                written = write_reports(report, Path(out), list(formats or FORMATS), fail_on=fail_on, progress=progress)
        finally:
            progress.close()
        if not quiet:
            for note in report.summary.unchecked:  # (also in report.json, HTML, Markdown and SARIF)
                click.echo(f"注意：{note}", err=True)
            click.echo(summary_line(report))
            for path in written:
                click.echo(f"报告：{path}")
        return exit_code(report, fail_on)


@contextlib.contextmanager
def loading(path: Path, progress: Progress) -> Iterator[Callable[[], EvidenceSet]]:
    """Read the evidence on a second thread while the block does the rest of the set-up; the
    block calls the yielded function for the `EvidenceSet` (it waits, and raises what loading
    raised, e.g. the `EvidenceError` listing every bad cell).

    Reading a ledger is mostly polars work, which releases the GIL, and the set-up (importing
    the engine and the reporters, loading the rule packs, compiling the HTML template) is
    Python: on two cores the two overlap (0.15 s of a 1M-row check, docs/performance.md).
    Errors keep their order: if the block fails before it asks for the records (a bad rule
    pack, a report name taken by a folder), that error is the one reported; the thread is asked
    to stop at its next file or CSV batch and waited for, at most STOP_WAIT seconds: one large
    workbook is read in a single call that cannot be interrupted, and the error should not
    wait for it. (A thread still reading then is a daemon: `end_process` ends the program
    without waiting for it, and its result is never used.)
    """
    import threading

    stop = threading.Event()
    box: dict[str, Any] = {}  # "records" or "error"

    def work() -> None:
        try:
            from checker.evidence.load import load_evidence

            box["records"] = load_evidence(path, progress, stop=stop)
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread, raised there
            box["error"] = exc

    thread = threading.Thread(target=work, name="zwgk-load", daemon=True)
    thread.start()

    def records() -> EvidenceSet:
        while thread.is_alive():  # in slices: an untimed join would hold Ctrl-C until the reading ends
            thread.join(0.05)
        if "error" in box:  # (never LoadStopped: `stop` is set only after the block has failed)
            raise box.pop("error")
        return box["records"]

    try:
        yield records
    finally:
        if thread.is_alive():
            stop.set()
            thread.join(STOP_WAIT)


STOP_WAIT = 0.5  # seconds a failed set-up waits for the evidence reading to stop (see `loading`)


@contextlib.contextmanager
def bulk_allocation() -> Iterator[None]:
    """The cyclic garbage collector off while evidence is read, checked and reported.

    A large check allocates millions of short-lived objects that form no reference cycles (a
    workbook's cells, one dict and one model per violation); reference counting frees them, and
    the collector's repeated scans of them only cost time, about an eighth of a 1M-row check
    (measured in docs/performance.md). It is switched back on afterwards, also when an error
    ends the run.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _load_waivers(path: str | None):  # type: ignore[no-untyped-def]
    if path is None:
        return None
    from checker.waivers import load_waivers

    return load_waivers(Path(path))


def _load_baseline(path: str | None):  # type: ignore[no-untyped-def]
    if path is None:
        return None
    from checker.baseline import load_report_json

    return load_report_json(Path(path))


def _review(report, packs, waivers, old, as_of: dt.date):  # type: ignore[no-untyped-def]
    """Waivers first (a waived violation is still a violation), then the baseline comparison."""
    if waivers is not None:
        from checker.waivers import apply_waivers

        known = {rule.id for pack in packs for rule in pack.rules}
        report = apply_waivers(report, waivers, as_of=as_of, known_rules=known)
    if old is not None:
        from checker.baseline import apply_baseline

        report = apply_baseline(report, old)
    return report


def summary_line(report) -> str:  # type: ignore[no-untyped-def]
    from checker.report import STATUS_ZH

    s = report.summary
    counts = "，".join(f"{STATUS_ZH[k]} {v}" for k, v in s.by_status.items() if v)
    waived = f"（其中已豁免 {s.waived_violations} 条）" if s.waived_violations else ""
    return f"检查完成（基准日 {s.as_of}，年度 {s.review_year}）：规则 {s.findings} 条，{counts}；违规记录 {s.violations} 条{waived}"


def exit_code(report, fail_on: str) -> int:  # type: ignore[no-untyped-def]
    from checker.rulepack import SEVERITY_RANK

    if fail_on == "never":
        return EXIT_OK
    return EXIT_FAILED if report.failing(SEVERITY_RANK[fail_on]) else EXIT_OK


# --------------------------------------------------------------------------- diff
@cli.command()
@click.argument("old", type=click.Path(dir_okay=False))
@click.argument("new", type=click.Path(dir_okay=False))
def diff(old: str, new: str) -> int:
    """比较两次检查的 report.json：新增、持续和已整改的问题。"""
    from checker.baseline import diff_text, load_report_json

    click.echo(diff_text(load_report_json(Path(old)), load_report_json(Path(new), "新报告")), nl=False)
    return EXIT_OK


# --------------------------------------------------------------------------- validate
@cli.command()
@click.argument("evidence", type=click.Path())
def validate(evidence: str) -> int:
    """只校验台账 EVIDENCE 的格式：表头、必填项、日期、取值、编号重复。"""
    from checker.evidence.load import load_evidence

    with bulk_allocation():
        records = load_evidence(Path(evidence))
    rows = sum(f.rows for f in records.files)
    click.echo(f"校验通过：{len(records.files)} 个表，{rows} 条记录。")
    for f in records.files:
        sheet = f" [{f.sheet}]" if f.sheet else ""
        encoding = f"，{f.encoding}" if f.encoding else ""
        click.echo(f"  {f.file}{sheet}：{f.kind}，{f.rows} 条{encoding}")
        if f.extra_columns:  # a near-miss name (延期 for 是否延期) would otherwise go unnoticed
            shown = "、".join(f"“{c}”" for c in f.extra_columns[:10]) + ("等" if len(f.extra_columns) > 10 else "")
            click.echo(f"    未识别的列（保留但不参与检查，字段名见 docs/evidence.md）：{shown}")
    for name in records.ignored:
        click.echo(f"  已忽略：{name}")
    return EXIT_OK


# --------------------------------------------------------------------------- template
@cli.command()
@click.argument("kinds", nargs=-1, metavar="[KIND]...")
@click.option(
    "--format", "formats", multiple=True, type=click.Choice(("xlsx", "csv", "yaml")), help="模板格式，可重复；默认 xlsx、csv、yaml 全部。"
)
@click.option("--out", type=click.Path(file_okay=False), default="templates", show_default=True, help="模板输出目录。")
@click.option("--force", is_flag=True, help="覆盖 --out 中已存在的同名文件。")
def template(kinds: tuple[str, ...], formats: tuple[str, ...], out: str, force: bool) -> int:
    """写出台账填报模板（KIND 为台账类型，如 consultation、consultations 或 咨询答复台账；省略则全部十类）。

    Excel 模板带中文表头、每列说明工作表、枚举下拉框和日期格式。
    """
    from checker.templates import FORMATS as TEMPLATE_FORMATS
    from checker.templates import write_templates

    written = write_templates(Path(out), list(kinds) or None, list(dict.fromkeys(formats or TEMPLATE_FORMATS)), overwrite=force)
    for path in written:
        click.echo(f"模板：{path}")
    return EXIT_OK


# --------------------------------------------------------------------------- rules
@cli.group()
def rules() -> None:
    """浏览规则包及其出处。"""


@rules.command("list")
@click.option("--rules", "selectors", multiple=True, metavar="PACK_ID|FILE", help="只列出这些规则包；默认全部内置规则包。")
@profile_option
def rules_list(selectors: tuple[str, ...], profile: str | None) -> int:
    """列出每条规则：编号、级别、台账类型、标题和出处原文（全国基线为条文要点的英文摘要）。"""
    from checker.reporters.wording import quote_label
    from checker.rulepack import SEVERITY_ZH

    for pack in select_packs(selectors, profile):
        click.echo(f"{pack.id}  {pack.pack.title}（{len(pack.rules)} 条规则，{len(pack.not_checkable)} 项无法量化检查）")
        for rule in pack.rules:
            click.echo(f"  {rule.id}  [{SEVERITY_ZH[rule.severity]}] [{rule.kind}] {rule.title}")
            label = quote_label(rule.source.quote, pack.id)
            click.echo(f"      {rule.source.clause}{'' if label == '原文' else '（' + label + '）'}：“{rule.source.quote}”")
    return EXIT_OK


@rules.command("show")
@click.argument("rule_id")
@click.option("--rules", "selectors", multiple=True, metavar="PACK_ID|FILE", help="在这些规则包中查找；默认全部内置规则包。")
@profile_option
def rules_show(rule_id: str, selectors: tuple[str, ...], profile: str | None) -> int:
    """显示一条规则的全部内容（用 --profile 时为调整后的内容）。"""
    import yaml

    from checker.reporters.wording import quote_label
    from checker.rulepack import SEVERITY_ZH

    for pack in select_packs(selectors, profile):
        for rule in pack.rules:
            if rule.id == rule_id:
                click.echo(f"{rule.id}\n标题：{rule.title}\n级别：{SEVERITY_ZH[rule.severity]}（{rule.severity}）")
                click.echo(f"台账：{rule.kind}\n要求：{rule.requirement_text()}")
                click.echo(f"出处：{rule.source.file} {rule.source.clause}\n{quote_label(rule.source.quote, pack.id)}：“{rule.source.quote}”")
                detail = rule.model_dump(mode="json", by_alias=True, exclude_none=True, exclude={"id", "title", "severity", "source"})
                click.echo(yaml.safe_dump(detail, allow_unicode=True, sort_keys=False).rstrip())
                return EXIT_OK
    raise UsageError(f"找不到规则 {rule_id}（用 zwgk rules list 查看全部规则）")


@rules.command("test")
@click.argument("selectors", nargs=-1, metavar="[PACK_ID|FILE]...")
@calendar_option
@click.option("--verbose", "-v", is_flag=True, help="列出每个样例的结果，而不只是失败的样例。")
def rules_test(selectors: tuple[str, ...], calendar_file: str | None, verbose: bool) -> int:
    """运行规则包的测试样例（每条规则的通过、未通过、待到期样例）。

    样例放在 fixtures/<规则包编号>.yaml 或 <规则文件名>.fixtures.yaml（格式见 docs/rules.md）。
    """
    from checker.fixtures import fixture_path, load_fixtures, run_pack_fixtures
    from checker.rulepack import load_packs, pack_paths

    cal = load_calendar(calendar_file)
    failed = total = todo = 0
    for path, pack in load_packs(pack_paths(list(selectors))):
        results = run_pack_fixtures(pack, load_fixtures(fixture_path(path, pack.id)), cal)
        bad = [r for r in results if not r.ok]
        total += len(results)
        failed += len(bad)
        click.echo(f"{pack.id}：{len(results) - len(bad)}/{len(results)} 通过")
        for r in results if verbose else bad:
            mark = "通过" if r.ok else "待完善" if r.todo else "失败"
            click.echo(f"  [{mark}] {r.rule_id} {r.name}：{r.detail}")
        todo += sum(r.todo for r in bad)
    pending = f"（其中 {todo} 项为待完善的 TODO 样例）" if todo else ""
    click.echo(f"合计：{total - failed}/{total} 通过" + (f"，{failed} 项失败{pending}" if failed else ""))
    return EXIT_FAILED if failed else EXIT_OK


# --------------------------------------------------------------------------- draft
@cli.command()
@click.argument("table", type=click.Path(dir_okay=False))
@click.option("--pack-id", "pack_id", required=True, help="规则包编号（小写字母、数字和连字符），如 songjiang-psb-2023。")
@click.option("--year", type=int, help="计划年度；默认取表格标题中的年份。")
@click.option("--issuer", help="发布机关；默认由表格标题推断（草稿中标注 TODO）。")
@click.option("--out", type=click.Path(file_okay=False), default=".", show_default=True, help="输出目录。")
@click.option("--force", is_flag=True, help="覆盖输出目录中已存在的同名文件。")
def draft(table: str, pack_id: str, year: int | None, issuer: str | None, out: str, force: bool) -> int:
    """从任务分解表 TABLE（.txt 文本、.docx 或 .xlsx）起草规则包，供人工审核。

    \b
    写出四个文件：
      <编号>.yaml            规则包草稿：每个识别出的量化要求一条规则，待确认处标 TODO
      fixtures/<编号>.yaml   样例存根（todo: true，zwgk rules test 计为缺少）
      tasks_<编号>.csv       任务台账
      <编号>.draft.md        审核清单：已识别、需人工确认、无法量化检查的行
    """
    from checker.draft import draft_pack, write_draft
    from checker.taskfiles import read_task_table

    source = read_task_table(Path(table))
    plan_year = year if year is not None else source.table.plan_year
    if plan_year is None:
        raise UsageError(f"{table}：表格标题中没有年份，请用 --year 指定计划年度")
    result = draft_pack(source, pack_id, plan_year, issuer)
    written = write_draft(result, Path(out), force=force)
    recognised = len(result.rules) - 1
    uncertain = sum(c.uncertain for c in result.candidates)
    click.echo(
        f"草稿：{len(source.table.rows)} 行任务，生成规则 {recognised} 条（另有任务台账规则 1 条），"
        f"需人工确认 {uncertain} 处，无法量化检查的候选 {len(result.candidates) - uncertain} 项，任务台账 {len(result.tasks)} 项。"
    )
    for path in written:
        click.echo(f"已写入：{path}")
    return EXIT_OK


# --------------------------------------------------------------------------- calendar
# --calendar is accepted before or after the subcommand (zwgk calendar deadline D N --calendar F).
sub_calendar_option = click.option(
    "--calendar", "calendar_here", type=click.Path(dir_okay=False), help="日历覆盖文件（YAML），同 zwgk calendar --calendar。"
)


@cli.group()
@calendar_option
@click.pass_context
def calendar(ctx: click.Context, calendar_file: str | None) -> None:
    """工作日计算（法定节假日与调休，期间开始之日不计算在内）。"""
    ctx.obj = calendar_file


@calendar.command("is-workday")
@click.argument("date")
@sub_calendar_option
@click.pass_obj
def calendar_is_workday(calendar_file: str | None, date: str, calendar_here: str | None) -> int:
    """DATE 是否为工作日。"""
    cal = load_calendar(calendar_here or calendar_file)
    click.echo(cal.day_info(parse_cli_date(date, "DATE")).describe())
    return EXIT_OK


@calendar.command("deadline")
@click.argument("date")
@click.argument("n", type=click.IntRange(min=0))
@click.option("--unit", type=click.Choice(("working_days", "days", "hours", "months")), default="working_days", show_default=True)
@sub_calendar_option
@click.pass_obj
def calendar_deadline(calendar_file: str | None, date: str, n: int, unit: str, calendar_here: str | None) -> int:
    """自 DATE 起 N 个单位的期限（最后一天；小时为精确时刻）。

    例：zwgk calendar deadline 2023-04-22 1 输出 2023-04-23（周日调休上班）。
    """
    cal = load_calendar(calendar_here or calendar_file)
    if unit == "hours":
        from checker.evidence.parse import parse_datetime

        import polars as pl

        moment = pl.select(parse_datetime(pl.lit(date, dtype=pl.String))).item()
        if moment is None:
            raise UsageError(f"DATE 的日期 “{date}” 无法识别")
        click.echo(cal.deadline(moment, n, unit).strftime("%Y-%m-%d %H:%M"))
    else:
        click.echo(cal.deadline(parse_cli_date(date, "DATE"), n, unit).isoformat())
    return EXIT_OK


@calendar.command("between")
@click.argument("start")
@click.argument("end")
@sub_calendar_option
@click.pass_obj
def calendar_between(calendar_file: str | None, start: str, end: str, calendar_here: str | None) -> int:
    """START 之后到 END（含）之间的工作日数：起始日不计，截止日计入。"""
    cal = load_calendar(calendar_here or calendar_file)
    click.echo(str(cal.working_days_between(parse_cli_date(start, "START"), parse_cli_date(end, "END"))))
    return EXIT_OK


# --------------------------------------------------------------------------- demo
@cli.command()
@click.option("--out", type=click.Path(file_okay=False), default="reports/demo", show_default=True, help="演示台账和报告的输出目录。")
@click.option("--year", type=int, default=2022, show_default=True, help="演示数据的检查年度。")
@click.option("--rows", type=click.IntRange(min=1), metavar="N", help="咨询记录条数（默认数百条；性能测试可设为 1000000）。")
def demo(out: str, year: int, rows: int | None) -> int:
    """生成一个虚构分局的演示台账，按全部内置规则包检查，写出全部格式的报告。"""
    from checker.demo import build_demo_evidence
    from checker.engine import run_check
    from checker.evidence.load import load_evidence
    from checker.reporters import write_reports
    from checker.rulepack import resolve_packs

    out_dir = Path(out)
    evidence_dir = out_dir / "evidence"
    build_demo_evidence(evidence_dir, year=year, rows=rows)
    as_of = dt.date(year + 1, 3, 1)
    report = run_check(load_evidence(evidence_dir), resolve_packs([]), as_of=as_of, year=year, calendar=load_calendar(None))
    written = write_reports(report, out_dir, list(FORMATS), fail_on="major")
    click.echo(f"演示台账：{evidence_dir}（检查基准日 {as_of.isoformat()}）")
    click.echo(summary_line(report))
    for path in written:
        click.echo(f"报告：{path}")
    return EXIT_OK


# --------------------------------------------------------------------------- entry point
_NO_ARGS_IS_HELP: Any = getattr(click.exceptions, "NoArgsIsHelpError", ())  # (click >= 8.2)


def _chinese_help(command: click.Command) -> None:
    """Every command's help in Chinese, click's own headings included (checker.cli_zh)."""
    from checker.cli_zh import Context

    command.context_class = Context
    for sub in getattr(command, "commands", {}).values():
        _chinese_help(sub)


_chinese_help(cli)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; map errors to exit codes and Chinese messages without tracebacks."""
    try:
        result = cli.main(args=argv, prog_name="zwgk", standalone_mode=False)
    except CheckerError as exc:
        for problem in exc.problems:
            click.echo(f"错误：{problem}", err=True)
        return _exit(EXIT_ERROR, argv)
    except click.exceptions.Exit as exc:
        return _exit(exc.exit_code, argv)
    except OSError as exc:  # a report, template or draft that cannot be written, output that cannot be printed
        from checker.errors import os_error_text

        with contextlib.suppress(OSError):
            click.echo(f"错误：文件操作失败：{os_error_text(exc)}", err=True)
        return _exit(EXIT_ERROR, argv)
    except _NO_ARGS_IS_HELP as exc:  # `zwgk`, `zwgk rules`: the help itself
        click.echo(exc.format_message(), err=True)
        return _exit(EXIT_ERROR, argv)
    except click.ClickException as exc:
        from checker.cli_zh import usage_message

        click.echo(f"用法错误：{usage_message(exc)}（用 zwgk --help 查看用法）", err=True)
        return _exit(EXIT_ERROR, argv)
    except click.exceptions.Abort as exc:
        # click turns Ctrl-C (and end of input at a prompt) into Abort; an interrupt is not bad
        # evidence, so it keeps the shell's 128 + SIGINT rather than exit 2.
        if isinstance(exc.__cause__, KeyboardInterrupt):
            click.echo("已中断。", err=True)
            return _exit(130, argv)
        click.echo("已中止。", err=True)
        return _exit(EXIT_ERROR, argv)
    except KeyboardInterrupt:
        click.echo("已中断。", err=True)
        return _exit(130, argv)
    except Exception as exc:  # a bug: say so plainly, keep the traceback behind a switch
        if os.environ.get("ZWGK_DEBUG"):
            raise
        click.echo(f"内部错误（这是程序缺陷，请连同命令一起报告；设置 ZWGK_DEBUG=1 可查看详细信息）：{type(exc).__name__}: {exc}", err=True)
        return _exit(EXIT_INTERNAL, argv)
    return _exit(result if isinstance(result, int) else EXIT_OK, argv)


def _exit(code: int, argv: list[str] | None) -> int:
    if argv is None:  # the `zwgk` program itself (tests call main with arguments and get the code)
        end_process(code)
    return code


def end_process(code: int) -> NoReturn:
    """End the process with `code` without tearing the interpreter down.

    Everything a run writes is written and closed by then (reports through `write_atomic`, the
    helper process stopped); what is left is freeing every module and object one by one, which
    after a 1M-row check took 0.1-0.16 s of its 1.4 s (docs/performance.md) and gains nothing:
    the operating system frees the memory at once. The exit handlers registered with `atexit`
    (logging's, polars') are run, then standard output and error are flushed (a reader that has
    gone away, as in `zwgk rules list | head -1`, is not an error).
    """
    with contextlib.suppress(Exception):
        getattr(atexit, "_run_exitfuncs", lambda: None)()  # (CPython's: what a normal exit runs)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):  # (a closed or missing stream)
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    main()
