/// The shell shared by the trace page and the load-test report: one
/// self-contained HTML document. Its Content-Security-Policy forbids every
/// fetch, script and external style, so the page cannot reach the network
/// even when a name inside it tries; styles are inline. Colours are CSS
/// variables that `prefers-color-scheme: dark` swaps, and the inline SVG
/// charts use them too, so one document serves light and dark.
public enum HTMLPage {
    public static let contentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

    /// `title` is plain text (escaped here); `body` and `css` are markup.
    public static func document(title: String, body: String, css: String = "") -> String {
        var s = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        s += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        s += "<meta http-equiv=\"Content-Security-Policy\" content=\"\(contentSecurityPolicy)\">\n"
        s += "<meta name=\"generator\" content=\"libsyslab\">\n"
        s += "<title>\(HTMLText.escape(title))</title>\n"
        s += "<style>\n\(baseCSS)\(css)</style>\n</head>\n<body>\n"
        s += body
        s += "</body>\n</html>\n"
        return s
    }

    /// A titled section (a panel), with an id for links and tests.
    public static func panel(id: String, title: String, _ content: String) -> String {
        "<section class=\"panel\" id=\"\(HTMLText.escape(id))\">\n<h2>\(HTMLText.escape(title))</h2>\n\(content)</section>\n"
    }

    /// A table: header cells and rows of cells that are already markup.
    public static func table(id: String? = nil, header: [String], rows: [[String]], rowAttributes: [String]? = nil) -> String {
        var s = "<div class=\"table-wrap\"><table" + (id.map { " id=\"\(HTMLText.escape($0))\"" } ?? "") + ">\n<thead><tr>"
        for h in header { s += "<th>\(HTMLText.escape(h))</th>" }
        s += "</tr></thead>\n<tbody>\n"
        for (i, row) in rows.enumerated() {
            let attributes = rowAttributes.map { i < $0.count ? $0[i] : "" } ?? ""
            s += "<tr\(attributes.isEmpty ? "" : " " + attributes)>" + row.map { "<td>\($0)</td>" }.joined() + "</tr>\n"
        }
        s += "</tbody></table></div>\n"
        return s
    }

    /// A small coloured label: severity, pass/fail.
    public static func badge(_ text: String, kind: String) -> String {
        "<span class=\"badge badge-\(HTMLText.escape(kind))\">\(HTMLText.escape(text))</span>"
    }

    static let baseCSS = """
    :root { color-scheme: light dark; --bg: #f8fafc; --panel: #ffffff; --text: #0f172a; --muted: #64748b;
      --line: #e2e8f0; --grid: #eef2f7; --accent: #2563eb; --ok: #15803d; --bad: #dc2626; --warn: #b45309;
      --p50: #2563eb; --p95: #d97706; --p99: #dc2626; --fail: #7c3aed; --window: rgba(220, 38, 38, 0.10);
      --c-clients: #6366f1; --c-edge: #0ea5e9; --c-services: #10b981; --c-data-stores: #f59e0b; --c-ai: #a855f7;
      --c-messaging: #ec4899; --c-external: #64748b; --c-other: #84cc16; --c-serverless: #f97316; --c-unknown: #9ca3af; }
    @media (prefers-color-scheme: dark) {
      :root { --bg: #0b1120; --panel: #111827; --text: #e5e7eb; --muted: #94a3b8; --line: #1f2937; --grid: #1e293b;
        --accent: #60a5fa; --ok: #4ade80; --bad: #f87171; --warn: #fbbf24; --p50: #60a5fa; --p95: #fbbf24;
        --p99: #f87171; --fail: #c084fc; --window: rgba(248, 113, 113, 0.16); }
    }
    * { box-sizing: border-box; }
    body { margin: 0; padding: 16px; background: var(--bg); color: var(--text);
      font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
    main { max-width: 1200px; margin: 0 auto; }
    h1 { font-size: 1.5rem; margin: 0 0 4px; overflow-wrap: anywhere; }
    h2 { font-size: 1.1rem; margin: 0 0 12px; }
    h3 { font-size: 1rem; margin: 12px 0 6px; }
    .subtitle { color: var(--muted); margin: 0 0 16px; overflow-wrap: anywhere; }
    .panel { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 16px; margin: 0 0 16px; }
    .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); gap: 10px; }
    .card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; }
    .card .label { color: var(--muted); font-size: 0.8rem; }
    .card .value { font-size: 1.2rem; font-weight: 600; overflow-wrap: anywhere; }
    .table-wrap { overflow-x: auto; }
    table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
    th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
    th { color: var(--muted); font-weight: 600; font-size: 0.85rem; white-space: nowrap; }
    td { overflow-wrap: anywhere; }
    #components-table td, #spans-table td:nth-child(-n+7) { white-space: nowrap; overflow-wrap: normal; }
    #spans-table { min-width: 880px; }
    #components-table th { white-space: normal; }
    code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.85em; }
    .badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 0.75rem; font-weight: 700;
      text-transform: uppercase; color: #fff; background: var(--muted); white-space: nowrap; }
    .badge-pass, .badge-ok, .badge-info, .badge-low { background: var(--ok); }
    .badge-fail, .badge-critical, .badge-high { background: var(--bad); }
    .badge-warning, .badge-medium { background: var(--warn); }
    .muted { color: var(--muted); }
    .chart { width: 100%; height: auto; display: block; }
    .chart text { fill: var(--muted); font-size: 11px; }
    .chart .gridline { stroke: var(--grid); }
    .legend { display: flex; flex-wrap: wrap; gap: 4px 14px; margin: 6px 0 0; color: var(--muted); font-size: 0.85rem; }
    .legend i { display: inline-block; width: 14px; height: 3px; vertical-align: middle; margin-right: 4px; }
    .findings { list-style: none; margin: 0; padding: 0; }
    .findings li { border-left: 4px solid var(--muted); padding: 6px 10px; margin: 0 0 10px; }
    .findings li[data-severity="critical"], .findings li[data-severity="high"] { border-color: var(--bad); }
    .findings li[data-severity="warning"], .findings li[data-severity="medium"] { border-color: var(--warn); }
    .findings li[data-severity="info"], .findings li[data-severity="low"] { border-color: var(--ok); }
    .findings .title { font-weight: 600; overflow-wrap: anywhere; }
    .findings p { margin: 4px 0; overflow-wrap: anywhere; }
    .diagram { width: 100%; height: auto; display: block; }
    .diagram .edge { stroke: var(--muted); fill: none; }
    .diagram .edge.async { stroke-dasharray: 5 4; }
    .diagram .node rect { fill: var(--panel); stroke: var(--line); stroke-width: 1.5; }
    .diagram .node text { fill: var(--text); font-size: 12px; }
    .diagram .node text.kind { fill: var(--muted); font-size: 10px; }
    .diagram .node[data-failing="true"] rect { stroke: var(--bad); stroke-width: 3; }
    .diagram .node[data-injected="true"] rect { fill: var(--window); stroke-dasharray: 6 3; stroke: var(--bad); stroke-width: 3; }
    .diagram .arrow { fill: var(--muted); }
    .waterfall { font-size: 12px; overflow: hidden; }
    .wf-row { display: grid; grid-template-columns: minmax(140px, 34%) 1fr; gap: 8px; align-items: center;
      border-bottom: 1px solid var(--grid); padding: 2px 0; }
    .wf-label { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
    .wf-label .op { color: var(--muted); margin-left: 6px; }
    .wf-track { position: relative; height: 18px; overflow: hidden; }
    .wf-bar { position: absolute; top: 3px; height: 12px; min-width: 2px; border-radius: 2px; background: var(--c-unknown); }
    .wf-row[data-error="true"] .wf-bar { background: var(--bad) !important; }
    .wf-row[data-error="true"] .wf-label .svc { color: var(--bad); }
    .wf-row[data-kind="consumer"] .wf-bar { opacity: 0.75; }
    .wf-time { position: absolute; top: 1px; font-size: 11px; color: var(--muted); white-space: nowrap; }
    .wf-time.inside { color: var(--panel); font-weight: 600; }
    .wf-axis { position: relative; height: 16px; color: var(--muted); font-size: 11px; }
    .wf-axis span { position: absolute; transform: translateX(-50%); white-space: nowrap; }
    .wf-head { display: grid; grid-template-columns: minmax(140px, 34%) 1fr; gap: 8px; }
    .cat-clients { background: var(--c-clients); } .cat-edge, .cat-security { background: var(--c-edge); }
    .cat-services, .cat-containers { background: var(--c-services); } .cat-data-stores { background: var(--c-data-stores); }
    .cat-ai { background: var(--c-ai); } .cat-messaging { background: var(--c-messaging); }
    .cat-external { background: var(--c-external); } .cat-observability, .cat-infra { background: var(--c-other); }
    .cat-serverless { background: var(--c-serverless); }
    footer { color: var(--muted); font-size: 0.8rem; text-align: center; margin: 8px 0 0; }
    @media (max-width: 640px) {
      body { padding: 8px; font-size: 13px; }
      .panel { padding: 10px; }
      .wf-row, .wf-head { grid-template-columns: 1fr; gap: 0; }
      .wf-head .spacer { display: none; }
      th, td { padding: 4px 5px; }
      .chart text { font-size: 17px; }
    }

    """
}
