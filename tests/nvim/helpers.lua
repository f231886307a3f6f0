-- What every spec shares: the example app copy it runs in, opening a file until the server has
-- analysed it, waiting, and TAP-like reporting ("ok <name>" / "not ok <name>: reason").
local H = {}

H.lang = assert(vim.env.PIPELENS_TEST_LANG, 'PIPELENS_TEST_LANG')
H.app = assert(vim.env.PIPELENS_TEST_APP, 'PIPELENS_TEST_APP')
H.file = ({
  python = 'payments/pipeline_stack.py',
  typescript = 'lib/pipeline-stack.ts',
})[H.lang]
H.q = H.lang == 'python' and '"' or "'"
-- A bound for a hang, not a measure of speed: a debug server indexing the app on a 2-core
-- machine under load (no spec waits on a real synth). Benchmarks measure speed.
H.timeout = tonumber(vim.env.PIPELENS_NVIM_TIMEOUT_MS or '') or 60000

local passed, failed = 0, 0

local function out(line)
  io.stdout:write(line .. '\n')
  io.stdout:flush()
end

--- Runs one test; an error (assert, H.eq, a timeout in H.wait) fails it with its message.
function H.test(name, fn)
  local ok, err = xpcall(fn, function(e)
    if vim.env.PIPELENS_NVIM_TRACE then
      return debug.traceback(tostring(e), 2)
    end
    return tostring(e)
  end)
  name = H.lang .. ': ' .. name
  if ok then
    passed = passed + 1
    out('ok ' .. name)
  else
    failed = failed + 1
    out('not ok ' .. name .. ': ' .. tostring(err):gsub('\n', '\n#   '))
  end
  return ok
end

--- Ends the spec: exit 0 when every test passed.
function H.finish()
  if failed > 0 or passed == 0 then
    vim.cmd('cquit 1')
  else
    vim.cmd('qall!')
  end
end

--- Waits until `cond()` is truthy; fails with "timed out: <what>" otherwise.
function H.wait(what, cond, timeout)
  local value
  local ok = vim.wait(timeout or H.timeout, function()
    value = cond()
    return value
  end, 20)
  if not ok then
    error('timed out: ' .. what, 2)
  end
  return value
end

function H.eq(want, got, what)
  if not vim.deep_equal(want, got) then
    error(('%s: expected %s, got %s'):format(what or 'value', vim.inspect(want), vim.inspect(got)), 2)
  end
end

function H.contains(haystack, needle, what)
  if type(haystack) ~= 'string' or not haystack:find(needle, 1, true) then
    error(('%s: %s does not contain %s'):format(what or 'text', vim.inspect(haystack), vim.inspect(needle)), 2)
  end
end

--- The 0-based row and byte column of the first occurrence of `text` in the buffer.
function H.find(buf, text)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local col = line:find(text, 1, true)
    if col then
      return i - 1, col - 1
    end
  end
  error('not in the buffer: ' .. text, 2)
end

function H.line(buf, row)
  return vim.api.nvim_buf_get_lines(buf, row, row + 1, false)[1]
end

--- Captures what `vim.notify` shows from now on: a list of `{ msg, level }` that the spec
--- empties with `H.clear(list)` (the same table, so the spec's local name keeps seeing it).
---@return { msg: string, level: integer? }[]
function H.capture_messages()
  local messages = {}
  vim.notify = function(msg, level)
    table.insert(messages, { msg = msg, level = level })
  end
  return messages
end

--- Empties a list in place.
function H.clear(list)
  for i = #list, 1, -1 do
    list[i] = nil
  end
end

-- publishDiagnostics notifications seen, by uri: how many (a count that only grows).
H.published = {}
local publish = vim.lsp.handlers['textDocument/publishDiagnostics']
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, result, ctx)
  if result and result.uri then
    H.published[result.uri] = (H.published[result.uri] or 0) + 1
  end
  return publish(err, result, ctx)
end

--- The didChange notifications the client sent (their params), to check the sync kind.
H.did_change = {}

--- Opens the spec's pipeline file of the example app copy and waits until the pipelens client
--- is attached and has published the first analysis.
---@return integer buf, vim.lsp.Client client
function H.open(file)
  local opened = vim.uv.hrtime()
  vim.cmd.edit(vim.fn.fnameescape(H.app .. '/' .. (file or H.file)))
  local buf = vim.api.nvim_get_current_buf()
  local client = H.wait('the pipelens client attaches', function()
    return vim.lsp.get_clients({ bufnr = buf, name = 'pipelens' })[1]
  end)
  local uri = vim.uri_from_bufnr(buf)
  H.wait('the first diagnostics of ' .. uri, function()
    return (H.published[uri] or 0) > 0
  end)
  -- From `:edit` to the first publishDiagnostics: the server starts and analyses the file.
  H.first_diagnostics_ms = H.first_diagnostics_ms or math.floor((vim.uv.hrtime() - opened) / 1e6)
  if not client._pipelens_test_wrapped then
    client._pipelens_test_wrapped = true
    local notify = client.notify
    client.notify = function(self, method, params)
      if method == 'textDocument/didChange' then
        table.insert(H.did_change, vim.deepcopy(params))
      end
      return notify(self, method, params)
    end
  end
  return buf, client
end

--- The buffer's pipelens diagnostics once `pred(diagnostics)` holds.
function H.wait_diagnostics(buf, what, pred)
  return H.wait(what, function()
    local d = vim.diagnostic.get(buf)
    return pred(d) and d
  end)
end

--- One request through the buffer's clients; the pipelens client's result (errors fail).
function H.request(buf, client, method, params)
  local res, err = vim.lsp.buf_request_sync(buf, method, params, H.timeout)
  if not res then
    error(method .. ': ' .. tostring(err), 2)
  end
  local r = res[client.id]
  if not r then
    error(method .. ': no answer from pipelens', 2)
  end
  if r.err then
    error(method .. ': ' .. vim.inspect(r.err), 2)
  end
  return r.result
end

--- Position params for a cursor put at (0-based row, byte col), in the client's encoding.
function H.position(buf, client, row, col)
  vim.api.nvim_win_set_cursor(0, { row + 1, col })
  return vim.lsp.util.make_position_params(0, client.offset_encoding)
end

--- Replaces the region literal `from` with `to` (keeping the quotes) the way a user edits: a
--- ranged change, so the client sends an incremental didChange. Returns its row and the column
--- of the opening quote.
function H.retype_region(buf, from, to)
  local row, col = H.find(buf, H.q .. from .. H.q)
  vim.api.nvim_buf_set_text(buf, row, col + 1, row, col + 1 + #from, { to })
  return row, col
end

return H
