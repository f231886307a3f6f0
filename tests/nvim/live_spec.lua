-- The live pipeline: tests/nvim/run deploys the example into moto (tests/live-seed.py: Source to
-- Dev ran HEAD, Prod waits for its approval, Staging is not deployed) and points the server at
-- it. The lenses a user sees above the pipeline and each stage, the drift diagnostic, the hover
-- and :PipelensRefreshLive.
local H = require('helpers')
local buf, client = H.open()
local name = assert(vim.env.PIPELENS_TEST_PIPELINE, 'PIPELENS_TEST_PIPELINE')
local head = vim.trim(vim.fn.system({ 'git', '-C', H.app, 'rev-parse', 'HEAD' }))
local short = head:sub(1, 7)
local messages = H.capture_messages()

--- The text of every virtual line or chunk drawn in the buffer (code lenses are drawn so).
local function drawn()
  local out = {}
  for _, ns in pairs(vim.api.nvim_get_namespaces()) do
    for _, m in ipairs(vim.api.nvim_buf_get_extmarks(buf, ns, 0, -1, { details = true })) do
      for _, chunk in ipairs(m[4].virt_text or {}) do
        table.insert(out, chunk[1])
      end
      for _, l in ipairs(m[4].virt_lines or {}) do
        for _, chunk in ipairs(l) do
          table.insert(out, chunk[1])
        end
      end
    end
  end
  return table.concat(out, ' | ')
end

H.test('the lenses say which commit is where and what waits, drawn in the buffer', function()
  local want = {
    'live: ' .. name .. ' · HEAD ' .. short .. ' is in Source, Build, UpdatePipeline, Dev',
    'Dev: ✓ ' .. short .. ' · 1 h ago',
    "Staging: + not deployed yet: the next run's UpdatePipeline adds it",
    'Prod: ⏸ approval PromoteToProd waiting 2',
  }
  local text = H.wait('the live lenses drawn', function()
    local t = drawn()
    for _, w in ipairs(want) do
      if not t:find(w, 1, true) then
        return nil
      end
    end
    return t
  end)
  H.contains(text, want[1], 'pipeline lens')
  local lens
  for _, l in ipairs(vim.lsp.codelens.get(buf)) do
    if l.command and l.command.title:find('^live: ') then
      lens = l
    end
  end
  assert(lens, 'no live lens in vim.lsp.codelens.get()')
  H.eq('pipelens.openLink', lens.command.command, 'opens the console')
  H.contains(lens.command.arguments[1], '/pipelines/' .. name .. '/view', 'console link')
end)

H.test('the stage the code adds is an information diagnostic', function()
  local d = H.wait_diagnostics(buf, 'a pipeline-drift diagnostic', function(ds)
    for _, d in ipairs(ds) do
      if d.code == 'pipeline-drift' then
        return true
      end
    end
  end)
  for _, x in ipairs(d) do
    if x.code == 'pipeline-drift' then
      H.eq(vim.diagnostic.severity.INFO, x.severity, 'severity')
      H.contains(x.message, 'stage Staging is not deployed yet', 'message')
    end
  end
end)

H.test('hover on a stage gives its deployed state', function()
  local row, col = H.find(buf, H.q .. 'ProdUsEast1' .. H.q)
  local h = H.request(buf, client, 'textDocument/hover', H.position(buf, client, row, col + 2))
  local md = h.contents.value
  H.contains(md, '**Deployed** — `' .. name .. '`', 'title')
  H.contains(md, 'Waiting: approval `PromoteToProd` for 2', 'what waits (25 or 26 min)')
  H.contains(md, 'First pipeline — Ada Example', 'the commit and its author')
end)

H.test('the code action on the waiting approval approves it after asking', function()
  local row = H.find(buf, 'PromoteToProd')
  vim.api.nvim_win_set_cursor(0, { row + 1, 0 })
  local asked = {}
  vim.ui.select = function(items, opts, on_choice)
    table.insert(asked, opts.prompt)
    on_choice(items[1])
  end
  vim.ui.input = function(opts, on_confirm)
    table.insert(asked, opts.prompt)
    on_confirm('Staging looked fine')
  end
  H.clear(messages)
  vim.lsp.buf.code_action({
    apply = true,
    filter = function(a)
      return a.title == 'Approve or reject PromoteToProd…'
    end,
  })
  local m = H.wait('a message', function()
    return messages[1]
  end)
  H.contains(m.msg, 'PromoteToProd approved', 'says so')
  H.contains(asked[1] or '', 'PromoteToProd (stage Prod of pipeline ' .. name .. ')', 'asked which')
  H.contains(asked[2] or '', 'summary', 'asked for a summary')
  -- The test server recorded the PutApprovalResult call.
  local recorded = vim.json.decode(vim.fn.system({ 'curl', '-sf', vim.env.AWS_ENDPOINT_URL .. '/_approvals' }))
  local put = recorded['t-1-' .. name]
  assert(put, 'no PutApprovalResult recorded: ' .. vim.inspect(recorded))
  H.eq('Staging looked fine', put.result.summary, 'summary')
  H.eq('Approved', put.result.status, 'status')
  H.eq(name, put.pipelineName, 'pipeline')
end)

H.test(':PipelensRefreshLive reads them again', function()
  H.clear(messages)
  vim.cmd('PipelensRefreshLive')
  local m = H.wait('a message', function()
    return messages[1]
  end)
  H.contains(m.msg, 'pipelens.refreshLive', 'says what ran')
  H.contains(m.msg, 'read', 'and how many it read')
end)

H.finish()
