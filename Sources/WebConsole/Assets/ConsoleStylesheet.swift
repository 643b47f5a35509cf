/// The console's stylesheet (served as `static/console.<hash>.css`).
enum ConsoleStylesheet {
    static let text = #"""
        :root { --bg: #f6f7f9; --panel: #fff; --text: #1c2430; --muted: #5b6675; --line: #dde1e7; --accent: #2457d6;
          --accent-text: #fff; --danger: #b42318; --ok: #067647; --warn: #b54708; --radius: 8px; color-scheme: light; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg);
          color: var(--text); }
        a { color: var(--accent); }
        :focus-visible { outline: 3px solid #f5b400; outline-offset: 2px; }
        .skip { position: absolute; left: -999px; } .skip:focus { left: 8px; top: 8px; background: #fff; padding: 6px; z-index: 9; }
        header.top { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 16px; padding: 10px 20px; background: #111827;
          color: #fff; }
        header.top .brand { font-weight: 700; color: #fff; text-decoration: none; margin-right: 8px; }
        header.top nav { display: flex; flex-wrap: wrap; gap: 4px; flex: 1; }
        header.top nav a { color: #d1d5db; text-decoration: none; padding: 6px 10px; border-radius: 6px; }
        header.top nav a[aria-current="page"], header.top nav a:hover { background: #374151; color: #fff; }
        header.top .who { color: #d1d5db; font-size: 13px; display: flex; gap: 8px; align-items: center; }
        main { max-width: 1200px; margin: 0 auto; padding: 20px; }
        h1 { font-size: 22px; margin: 4px 0 16px; } h2 { font-size: 17px; margin: 20px 0 10px; }
        .panel { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); padding: 16px; margin-bottom: 16px; }
        .muted { color: var(--muted); } .small { font-size: 13px; }
        label { display: block; font-size: 13px; font-weight: 600; margin-bottom: 4px; }
        input[type=text], input[type=password], input[type=search], input[type=number], input[type=datetime-local], select, textarea {
          width: 100%; padding: 7px 9px; border: 1px solid #b8c0cc; border-radius: 6px; font: inherit; background: #fff; }
        textarea { min-height: 70px; font-family: ui-monospace, monospace; font-size: 13px; }
        button, .button { display: inline-block; padding: 7px 14px; border-radius: 6px; border: 1px solid var(--accent);
          background: var(--accent); color: var(--accent-text); font: inherit; cursor: pointer; text-decoration: none; }
        button.secondary, .button.secondary { background: #fff; color: var(--accent); }
        button.danger { background: var(--danger); border-color: var(--danger); }
        button.link { background: none; border: none; color: #d1d5db; padding: 4px; text-decoration: underline; }
        .filters { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 10px; align-items: end; }
        .actions { display: flex; gap: 8px; margin-top: 12px; }
        details summary { cursor: pointer; margin: 12px 0 8px; font-weight: 600; color: var(--accent); }
        .toolbar { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; justify-content: space-between; margin: 12px 0; }
        .toolbar .group { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
        .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 12px; list-style: none;
          padding: 0; margin: 0; }
        .card { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); overflow: hidden;
          display: flex; flex-direction: column; }
        .card .thumb { aspect-ratio: 4 / 3; background: #eef0f3; display: flex; align-items: center; justify-content: center; }
        .card .thumb img { width: 100%; height: 100%; object-fit: cover; }
        .card .body { padding: 8px 10px; font-size: 13px; display: flex; flex-direction: column; gap: 4px; }
        .card .name { font-weight: 600; overflow-wrap: anywhere; }
        .card .select { display: flex; gap: 6px; align-items: center; font-weight: 400; }
        table { width: 100%; border-collapse: collapse; background: var(--panel); }
        th, td { text-align: left; padding: 7px 9px; border-bottom: 1px solid var(--line); vertical-align: top; font-size: 14px;
          overflow-wrap: anywhere; }
        th { font-size: 12px; text-transform: uppercase; letter-spacing: .03em; color: var(--muted); }
        .table-wrap { overflow-x: auto; border: 1px solid var(--line); border-radius: var(--radius); }
        .badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 600;
          background: #eef0f3; color: var(--muted); }
        .badge.uploaded, .badge.ok { background: #dcfae6; color: var(--ok); }
        .badge.pending, .badge.draft { background: #fef0c7; color: var(--warn); }
        .badge.failed, .badge.expired, .badge.bad { background: #fee4e2; color: var(--danger); }
        .notice { padding: 10px 14px; border-radius: 6px; margin-bottom: 14px; background: #eff4ff; border: 1px solid #c7d7fe; }
        .notice.error { background: #fef3f2; border-color: #fecdca; color: var(--danger); }
        .notice.ok { background: #ecfdf3; border-color: #abefc6; color: var(--ok); }
        .empty { text-align: center; padding: 40px 16px; color: var(--muted); }
        .pager { display: flex; gap: 8px; justify-content: center; margin: 16px 0; }
        dl.fields { display: grid; grid-template-columns: minmax(120px, 200px) 1fr; gap: 6px 14px; margin: 0; }
        dl.fields dt { font-weight: 600; color: var(--muted); font-size: 13px; } dl.fields dd { margin: 0; overflow-wrap: anywhere; }
        .split { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 16px; }
        .preview img { max-width: 100%; border-radius: 6px; background: #eef0f3; }
        .variants { display: flex; flex-wrap: wrap; gap: 10px; } .variants figure { margin: 0; width: 160px; }
        .variants img { width: 160px; height: 120px; object-fit: contain; background: #eef0f3; border-radius: 6px; }
        pre, code { font-family: ui-monospace, monospace; font-size: 13px; }
        pre { background: #0f172a; color: #e2e8f0; padding: 10px; border-radius: 6px; overflow-x: auto; white-space: pre-wrap;
          overflow-wrap: anywhere; }
        .timeline { list-style: none; padding: 0; margin: 0; } .timeline li { padding: 6px 0; border-bottom: 1px solid var(--line); }
        .dropzone { border: 2px dashed #9aa4b2; border-radius: var(--radius); padding: 34px 16px; text-align: center;
          background: #fff; } .dropzone.over { border-color: var(--accent); background: #eff4ff; }
        .files { list-style: none; padding: 0; } .files li { padding: 8px 0; border-bottom: 1px solid var(--line); }
        progress { width: 100%; height: 12px; }
        .form-row { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 12px; margin-bottom: 12px; }
        .check { display: flex; gap: 8px; align-items: center; font-weight: 400; }
        .chart svg { width: 100%; height: auto; max-width: 720px; }
        #uploads-chart svg { max-width: 480px; }
        .stats { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 12px; }
        .stat { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); padding: 12px; }
        .stat .n { font-size: 24px; font-weight: 700; }
        .signin { max-width: 420px; margin: 60px auto; }
        .toolbar label { display: inline; margin: 0; }
        .dropzone:focus-within { outline: 3px solid #f5b400; outline-offset: 2px; }
        .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
        .key { font-family: ui-monospace, monospace; background: #fffbe6; padding: 8px; border: 1px solid #fde68a; overflow-wrap: anywhere; }
        @media (max-width: 720px) { .split { grid-template-columns: 1fr; } dl.fields { grid-template-columns: 1fr; }
          main { padding: 12px; } .grid { grid-template-columns: repeat(auto-fill, minmax(140px, 1fr)); } }
        """#
}
