"""Evidence templates (XLSX, CSV, YAML) and the evidence documentation, generated from the schema.

Everything here is derived from `checker.evidence.schema.KINDS`, so the templates that ship in
`evidence_templates/` and `docs/evidence.md` cannot drift from what the loader accepts; tests
regenerate both and fail when a shipped copy is stale. Regenerate with::

    python -m checker.templates

Templates hold headers only (no example rows that would load as records). XLSX output is
byte-for-byte reproducible: fixed document timestamps and fixed ZIP entry times.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

from checker.errors import UsageError
from checker.evidence.schema import BOOL_FALSE, BOOL_TRUE, KIND_BY_STEM, KINDS, PRESENCE_LABELS, TYPE_LABELS, FieldSpec, KindSpec, header_aliases

FORMATS = ("xlsx", "csv", "yaml")
NOTES_SHEET = "填写说明"
TEMPLATE_DIR = "evidence_templates"
DOC_PATH = "docs/evidence.md"
# Fixed timestamps: a regenerated template is identical to the shipped one, byte for byte.
FIXED_MOMENT = dt.datetime(2022, 1, 1, 0, 0, 0)
ZIP_TIME = (2022, 1, 1, 0, 0, 0)
MAX_ROW = 1_048_576

_REQUIRED_FILL = "FCE4D6"  # orange: must be filled
_COLUMN_FILL = "FFF2CC"  # yellow: column must exist, cells may stay empty
_OPTIONAL_FILL = "DDEBF7"  # blue: optional
_NUMBER_FORMATS = {"datetime": "yyyy-mm-dd hh:mm", "date": "yyyy-mm-dd", "year": "0", "int": "0", "float": "General"}


# --------------------------------------------------------------------------- entry point
def resolve_kinds(names: list[str] | None) -> list[KindSpec]:
    """Kinds by name (`consultation`), file stem (`consultations`) or Chinese name; None = all."""
    if not names:
        return list(KINDS.values())
    specs: list[KindSpec] = []
    problems: list[str] = []
    for name in names:
        kind = KIND_BY_STEM.get(name.strip().lower())
        if kind is None:
            problems.append(f"未知的台账类型 “{name}”（可选：{'、'.join(f'{s.stem}（{s.label}）' for s in KINDS.values())}）")
        elif KINDS[kind] not in specs:
            specs.append(KINDS[kind])
    if problems:
        raise UsageError(problems)
    return specs


def write_templates(out: Path, kinds: list[str] | None, formats: list[str], *, overwrite: bool = False) -> list[Path]:
    """Write one template per kind and format into `out`, named `<stem>.<format>`.

    `kinds`: kind names, file stems or Chinese names (None or empty: every kind); `formats`:
    among "xlsx", "csv", "yaml" (empty: all three). Returns the written paths. An existing file
    is never replaced unless `overwrite` (it may be a ledger someone has already filled in).
    """
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise UsageError(f"未知的模板格式 “{'、'.join(unknown)}”（可选：{'、'.join(FORMATS)}）")
    specs = resolve_kinds(kinds)
    targets = [(spec, fmt, out / f"{spec.stem}.{fmt}") for spec in specs for fmt in formats or FORMATS]
    existing = [str(path) for _, _, path in targets if path.exists()]
    if existing and not overwrite:
        raise UsageError(f"以下文件已存在，为免覆盖已填写的台账，未写出任何模板（确需覆盖请加 --force）：{'、'.join(existing)}")
    out.mkdir(parents=True, exist_ok=True)
    for spec, fmt, path in targets:
        path.write_bytes(template_bytes(spec, fmt))
    return [path for _, _, path in targets]


def template_bytes(spec: KindSpec, fmt: str) -> bytes:
    if fmt == "xlsx":
        return xlsx_template(spec)
    if fmt == "csv":
        return csv_template(spec)
    return yaml_template(spec).encode("utf-8")


# --------------------------------------------------------------------------- CSV
def csv_template(spec: KindSpec) -> bytes:
    """Chinese headers only, UTF-8 with BOM and CRLF: what Excel's "CSV UTF-8" writes."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([f.label for f in spec.fields])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# --------------------------------------------------------------------------- YAML
def yaml_template(spec: KindSpec) -> str:
    """A commented YAML ledger: the fields, then one example record, commented out."""
    import yaml

    width = max(len(f.name) for f in spec.fields)
    lines = [
        f"# {spec.label}（{spec.stem}）— zwgk-checker 佐证台账模板",
        "# 每条记录以 “- ” 开头；键可以用英文字段名（如下）或中文列名。",
        "# 日期写作 2022-03-05 或 2022-03-05 14:30（也可用 2022年3月5日 等写法）；是/否字段填 是 或 否。",
        "# 未填写记录的模板请不要放进台账目录（没有记录的文件会被报告为错误）。",
        "#",
        "# 字段：",
    ]
    for f in spec.fields:
        lines.append(f"#   {f.name.ljust(width)}  {f.label}，{_presence_text(f)}，{_type_text(f)}。{f.help}")
    example = {f.name: _yaml_value(f) for f in spec.fields if f.example_value}
    dumped = yaml.safe_dump([example], allow_unicode=True, sort_keys=False, width=1000).rstrip("\n")
    lines += ["#", "# 示例（删去每行开头的 “# ” 即成为一条记录）：", *(f"# {line}" for line in dumped.splitlines())]
    return "\n".join(lines) + "\n"


def _yaml_value(f: FieldSpec) -> object:
    if f.type in ("year", "int"):
        return int(f.example_value)
    if f.type == "float":
        return float(f.example_value)
    return f.example_value


# --------------------------------------------------------------------------- XLSX
def xlsx_template(spec: KindSpec) -> bytes:
    """The data sheet (named by the kind's Chinese name) and a 填写说明 notes sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = spec.label
    for index, f in enumerate(spec.fields, start=1):
        letter = get_column_letter(index)
        cell = ws.cell(row=1, column=index, value=f.label)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=_fill(f))
        cell.alignment = Alignment(horizontal="center", vertical="center")
        column = ws.column_dimensions[letter]
        column.width = max(_display_width(f.label), _display_width(f.example_value), 10) + 4
        column.number_format = _NUMBER_FORMATS.get(f.type, "@")
        validation = _validation(f)
        validation.add(f"{letter}2:{letter}{MAX_ROW}")
        ws.add_data_validation(validation)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(spec.fields))}1"
    _notes_sheet(wb.create_sheet(NOTES_SHEET), spec)
    wb.properties.creator = "zwgk-checker"
    wb.properties.title = f"{spec.label}模板"
    wb.properties.created = FIXED_MOMENT
    return reproducible_xlsx(wb)


def _fill(f: FieldSpec) -> str:
    return {"required": _REQUIRED_FILL, "column": _COLUMN_FILL}.get(f.presence, _OPTIONAL_FILL)


def _display_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _validation(f: FieldSpec):  # type: ignore[no-untyped-def]
    from openpyxl.worksheet.datavalidation import DataValidation

    prompt = {"showInputMessage": True, "promptTitle": f.label[:32], "prompt": _prompt(f)[:255]}
    warn = {"showErrorMessage": True, "errorStyle": "warning", "errorTitle": f"{f.label}：请检查"[:32], "allow_blank": True}
    if f.type in ("enum", "bool"):
        choices = [label for _, label in f.values] if f.type == "enum" else ["是", "否"]
        formula = '"' + ",".join(choices) + '"'
        if len(formula) > 255:  # Excel's limit for an inline list
            raise ValueError(f"{f.name}: dropdown list too long for an inline validation")
        return DataValidation(type="list", formula1=formula, error="请从下拉列表中选择", **prompt, **warn)
    if f.type in ("date", "datetime"):
        return DataValidation(
            type="date", operator="between", formula1="18264", formula2="73050", error="Excel 没有把它识别为日期。2022.3.5、2022年3月5日、14时30分 等写法检查时也能识别，点“是”即可保留；其他内容请改为日期，如 2022-03-05 或 2022-03-05 14:30", **prompt, **warn
        )
    if f.type == "year":
        return DataValidation(type="whole", operator="between", formula1="1990", formula2="2100", error="请输入四位年份，如 2022", **prompt, **warn)
    if f.type in ("int", "float"):
        return DataValidation(type="decimal" if f.type == "float" else "whole", operator="between", formula1="-1E+15", formula2="1E+15", error="请输入数值", **prompt, **warn)
    return DataValidation(type=None, **prompt)


def _prompt(f: FieldSpec) -> str:
    text = f"{_presence_text(f)}。{f.help}"
    if f.example_value:
        text += f"。示例：{f.example_value}"
    return text


def _notes_sheet(ws, spec: KindSpec) -> None:  # type: ignore[no-untyped-def]
    from openpyxl.styles import Alignment, Font, PatternFill

    ws["A1"] = f"{spec.label}（{spec.stem}）填写说明"
    ws["A1"].font = Font(bold=True, size=14)
    for row, text in enumerate(_general_notes(spec), start=2):
        ws.cell(row=row, column=1, value=text)
    start = 2 + len(_general_notes(spec)) + 1
    headers = ("列名（表头）", "字段名", "是否必填", "类型", "可选值", "示例", "说明")
    for col, text in enumerate(headers, start=1):
        cell = ws.cell(row=start, column=col, value=text)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
    for row, f in enumerate(spec.fields, start=start + 1):
        values = (f.label, f.name, _presence_text(f), TYPE_LABELS[f.type], _allowed_text(f), f.example_value or "—", f.help)
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=col, value=value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(row=row, column=1).fill = PatternFill("solid", fgColor=_fill(f))
    for letter, width in zip("ABCDEFG", (20, 24, 18, 10, 40, 26, 50), strict=True):
        ws.column_dimensions[letter].width = width


def _general_notes(spec: KindSpec) -> list[str]:
    return [
        f"在工作表“{spec.label}”中每行填写一条记录，不要改动第1行表头（也可使用英文字段名作表头）。",
        "表头颜色：橙色为必填列；黄色为必须保留的列，未发生的事项可留空（如未答复则答复时间留空）；蓝色为可选列，可删除。",
        "日期可填 2022-03-05、2022/3/5、2022.3.5、2022年3月5日，时间可填 14:30 或 14时30分；Excel 日期单元格亦可。",
        "是/否列填 是 或 否（也接受 √/×、1/0、true/false）；选项列请从下拉列表选择，也可填英文取值。",
        "可以在右侧增加自定义列（会原样保留）；空行会被忽略；本“填写说明”工作表不会被读取。",
    ]


def _presence_text(f: FieldSpec) -> str:
    return PRESENCE_LABELS[f.presence]


def _type_text(f: FieldSpec) -> str:
    if f.type == "enum":
        return "选项：" + "、".join(label for _, label in f.values)
    return TYPE_LABELS[f.type]


def _allowed_text(f: FieldSpec) -> str:
    if f.type == "enum":
        return "、".join(f"{label}（{value}）" for value, label in f.values)
    if f.type == "bool":
        return "是、否"
    if f.references:
        return f"{KINDS[f.references].label}中的编号"
    if f.values:
        return "、".join(f"{label}（{value}）" for value, label in f.values) + " 等（名称按代码读取）"
    return "—"


def reproducible_xlsx(wb) -> bytes:  # type: ignore[no-untyped-def]
    """Save with fixed timestamps: openpyxl stamps `modified` and every ZIP entry with now."""
    raw = io.BytesIO()
    wb.save(raw)
    stamp = FIXED_MOMENT.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                for tag in (b"created", b"modified"):
                    data = re.sub(rb"(<dcterms:" + tag + rb"[^>]*>)[^<]*(</dcterms:" + tag + rb">)", rb"\g<1>" + stamp + rb"\g<2>", data)
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, data)
    return out.getvalue()


# --------------------------------------------------------------------------- documentation
def render_evidence_doc() -> str:
    """docs/evidence.md: the evidence contract in Chinese, generated from the schema."""
    names = "、".join(f"`{s.stem}`" for s in KINDS.values())
    parts = [
        "# 佐证台账格式",
        "",
        "<!-- 本文件由 checker/templates.py 的 render_evidence_doc() 根据 checker/evidence/schema.py 生成，请勿手工修改；"
        "修改字段后运行 `python -m checker.templates` 重新生成。 -->",
        "",
        "佐证台账是一个文件夹（或一个 Excel 工作簿），每类台账一个文件或一个工作表。`zwgk validate 台账目录` 只校验格式；"
        "`zwgk check 台账目录` 校验后按规则检查。空白模板见 `evidence_templates/`，也可用 `zwgk template` 生成。",
        "",
        "## 文件与命名",
        "",
        f"- 文件名（不含扩展名）决定台账类型：可用英文文件名 {names}，也可用单数形式（如 `consultation`）或中文名称（如 `咨询答复台账.xlsx`）。",
        "- 文件名后可加 `_部门名`（或 `-`、空格、括号）区分部门，如 `consultations_指挥处.csv`、`咨询答复台账（治安支队）.xlsx`；"
        "同类台账的多个文件合并检查，编号在同类台账中必须唯一。",
        "- 也可以把多类台账放在一个工作簿里，每类一个工作表，工作表以类型的英文名或中文名称命名（如 `consultations`、`政策文件台账`）。",
        "- 按类型命名的单个工作簿（如 `consultations.xlsx`）读取第一个工作表；其他以台账类型命名的工作表、"
        "表头与该类台账相同的工作表（如按月分开的 `1月`、`2月`）也会读取，其余非空工作表被忽略并在校验结果中列出。",
        "- 文件夹可以有子文件夹。`.` 开头的隐藏文件、Excel 临时文件（`~$` 开头）不读取。工作簿中隐藏的工作表和名为"
        "`说明`、`填写说明`、`填报示例`、`示例` 等的工作表不读取（隐藏的工作表在校验结果和报告中列为已忽略）。",
        "- 不是台账格式的文件（如 `.docx`、`.pdf`、`.txt`）被忽略，并在校验结果和报告中列为“已忽略”。",
        "  扩展名是 `.csv`、`.xlsx`、`.json`、`.yaml` 但无法从文件名判断类型的文件是错误，不会被静默跳过。",
        "",
        "## 支持的格式与编码",
        "",
        "| 格式 | 说明 |",
        "|---|---|",
        "| CSV（`.csv`） | 编码自动识别：UTF-8、带 BOM 的 UTF-8（Excel “CSV UTF-8”）、GBK/GB18030（中文版 Excel、WPS 默认保存的 “CSV”）、UTF-16；"
        "识别出的编码在 `zwgk validate` 的输出和报告中逐个文件列出。分隔符为逗号（首行制表符多于逗号时按制表符分隔）。 |",
        "| Excel（`.xlsx`、`.xlsm`、`.xls`、`.xlsb`、`.ods`） | 表头是前 6 行中第一个含有两个以上本类台账列名的行，其上方的标题行、“填报单位：…　填报日期：…”等说明行被跳过（没有这样的行时，第1个有两个以上单元格的行为表头）；Excel 日期单元格直接识别；"
        "数字单元格按 Excel 的显示读取（最多 9 位小数，如公式结果 0.30000000000000004 读为 0.3）；"
        "设置为百分比格式的数字按显示的百分数读取（在常规单元格中输入 4.5% 时 Excel 存为 0.045，读为 4.5%，即 4.5；仅 .xlsx/.xlsm）；"
        "数据区的合并单元格视为每个单元格都填了该值（如“责任部门”向下合并）；表头中的合并单元格是错误，请拆分为每列一个表头。"
        "WPS 的 `.et` 格式请另存为 `.xlsx`。 |",
        "| JSON（`.json`） | UTF-8；一个记录列表 `[{...}, ...]`，或 `{\"consultations\": [...]}`；每条记录的键为字段名或中文列名。"
        "数字按写法原样读取（`12345678901234567890` 这样的编号不会被舍入），再按字段类型识别。错误信息按“第N条记录”定位。 |",
        "| YAML（`.yaml`、`.yml`） | UTF-8；格式同 JSON；每个值都按写出的文本读取，再按字段类型识别，与表格单元格的规则相同（YAML 本身会把 `0012` 读成 10、"
        "`NO` 读成“否”、`2020.10` 读成 2020.1，这里不会）；`~`、`null` 或不写表示空。错误信息按记录开始的行号定位。 |",
        "",
        "## 表头、空行与额外的列",
        "",
        "- 表头可以是英文字段名、中文列名或下表列出的常见别名（如 部门、受理时间、回复时间），不区分大小写，忽略空格和末尾的 `*`。"
        "同一字段出现两列是错误。缺少必需的列时，提示会列出可用的写法和表中未识别的列。",
        "- 表中未定义的列（如“备注2”“经办人”）原样保留为文本，不参与检查，不报错。",
        "- 全部单元格为空的行不是记录，直接跳过；行号仍按电子表格的行号计算，错误信息中的行号与 Excel 中看到的一致。",
        "- 比表头短的行，缺少的单元格视为空；比表头长、且多出的单元格有内容的行是错误（数据没有表头）。",
        "- CSV 中英文双引号不配对（如 `C-3,\"指挥处,网站留言`）时，报出引号开始的那一行：从那里到文件末尾无法分开\n"
        "  各行。单元格内容本身含有引号时，按 CSV 的规则写成两个引号（`\"\"`）。",
        "- 名为 `填写说明`、`说明`、`notes`、`readme` 的工作表不读取。",
        "- 只有表头没有记录的文件（或工作表）、空文件是错误：未填写的模板请移出台账目录。"
        "没有提交某类台账时，依赖该类台账的规则显示为“不适用”（报告中列出未提交的台账类型）。",
        "",
        "## 单元格的写法",
        "",
        "| 类型 | 可接受的写法 |",
        "|---|---|",
        "| 日期、日期时间 | `2022-03-05`、`2022/3/5`、`2022.3.5`、`2022年3月5日`（或 `5号`），可带时间 `14:30`、`14:30:15`、`14时30分`、`14时`；"
        "`2022-03-05T14:30:00+08:00` 等带时区的写法换算为北京时间；Excel 日期单元格及其序列号（如 `44625`、`44625.5`）。"
        "日期须真实存在（`2022-02-30` 是错误），年份须在 1900–2200 之间。只填日期的“日期时间”按当日 0:00 计。 |",
        f"| 是/否 | 是：{_codes(BOOL_TRUE)}；否：{_codes(BOOL_FALSE)}（不区分大小写）。 |",
        "| 选项 | 中文名称或英文取值，忽略空格和大小写（如 `网上咨询求助平台` 或 `online_platform`）。 |",
        "| 年度 | 四位年份，可带“年”“年度”（如 `2021`、`2021年度`）。 |",
        "| 数值 | 可带千分位逗号（只能三位一组，如 `1,234.5`；`4,5` 这样的逗号是错误，不会读成 45）和末尾的 `%`（`4.5%` 按 4.5 读取）；"
        "`NaN`、`inf` 等不是数值。 |",
        "| 文本 | 去掉首尾空白（含全角空格）；空白单元格即为空。 |",
        "",
        "日期、年度、数值中的全角数字和符号（如 `２０２２年５月６日`、`４．５％`）按半角读取。时间均为北京时间（Asia/Shanghai）。",
        "",
        "## 校验：一次报告全部问题",
        "",
        "`zwgk validate`（以及 `zwgk check` 读取台账时）一次列出所有问题，每条都指明文件、工作表、行、列，退出码为 2：",
        "",
        "- 无法识别类型的文件或工作表、无法读取的文件（损坏、加密、编码无法识别）；",
        "- 空文件、只有表头的文件、表头为空但有数据的列、比表头长的行、重复的表头、表头中的合并单元格；",
        "- 缺少必需的列（“必填”和“须有此列”的字段）；必填单元格为空；",
        "- 无法识别的日期、是/否值、年度、数值，不在可选范围内的选项；",
        "- 同类台账中重复的编号（跨文件也算）；",
        "- 引用不存在的记录：如政策解读的“政策文件编号”在政策文件台账中找不到。"
        "只有同时提交了被引用的台账（政策文件台账）时才做这项检查；未提交时不检查，依赖两类台账的规则自行判断。"
        "被解读的往年文件也须列入政策文件台账。",
        "",
        "同一列的同类问题最多逐条列出 20 处，其余合并为一条。",
        "",
        "## 必填程度",
        "",
        "- **必填**：必须有此列，且每条记录都要填写。",
        "- **须有此列，可留空**：必须有此列；留空有含义（如“答复时间”留空表示尚未答复，检查时按是否已超期判断）。",
        "- **可选**：可以没有此列；没有此列时按全部为空处理。",
        "",
        "## 各类台账",
        "",
    ]
    for spec in KINDS.values():
        parts += _kind_section(spec)
    return "\n".join(parts).rstrip("\n") + "\n"


def _codes(values: tuple[str, ...]) -> str:
    return "、".join(f"`{v}`" for v in values)


def _kind_section(spec: KindSpec) -> list[str]:
    period = f"记录按“{spec.field(spec.period_field).label}”（`{spec.period_field}`）归入检查年度。" if spec.period_field else ""
    if spec.name == "publication":
        period = "报告按“所属年度”与规则的发布期限检查（如上一年度的年度报告须在当年1月31日前发布）。"
    if spec.name == "task":
        period = "任务按所属任务分解表的年度检查，“时间节点”照录原文（如 9月底前、全年、按季度）。"
    lines = [
        f"### {spec.label}（{spec.name}）",
        "",
        f"文件名：`{spec.stem}.csv`、`{spec.stem}.xlsx`、`{spec.label}.xlsx` 等。{period}",
        "",
        "| 字段 | 中文列名 | 类型 | 必填 | 可选值 | 示例 | 说明 |",
        "|---|---|---|---|---|---|---|",
    ]
    for f in spec.fields:
        example = f"`{f.example_value}`" if f.example_value else "—"
        also = header_aliases(spec, f.name)
        label = f"{f.label}（也可写作 {'、'.join(also)}）" if also else f.label
        lines.append(f"| `{f.name}` | {label} | {TYPE_LABELS[f.type]} | {_presence_text(f)} | {_allowed_text(f)} | {example} | {f.help} |")
    lines.append("")
    return lines


# --------------------------------------------------------------------------- regeneration
def regenerate(repo: Path) -> list[Path]:
    """Rewrite the shipped templates and docs/evidence.md under `repo`."""
    written = write_templates(repo / TEMPLATE_DIR, None, list(FORMATS), overwrite=True)
    doc = repo / DOC_PATH
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text(render_evidence_doc(), encoding="utf-8")
    return [*written, doc]


if __name__ == "__main__":
    for path in regenerate(Path(__file__).resolve().parent.parent):
        print(path)
