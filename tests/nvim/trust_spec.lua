-- Trust: the app's pipelens.toml is denied in Neovim's trust database (tests/nvim/run runs this
-- spec with PIPELENS_NVIM_TRUST=deny), so the plugin tells the server the project is not
-- trusted: no synth lens, :PipelensSynth answers why; :PipelensTrust turns it on.
local H = require('helpers')
local pipelens = require('pipelens')
local buf, client = H.open()

local messages = H.capture_messages()

local function lens_commands()
  local lenses = H.request(buf, client, 'textDocument/codeLens', { textDocument = { uri = vim.uri_from_bufnr(buf) } })
  local out = {}
  for _, l in ipairs(lenses or {}) do
    table.insert(out, { title = l.command.title, command = l.command.command })
  end
  return out
end

local function has_lens(lenses, title, command)
  for _, l in ipairs(lenses) do
    if l.title == title and l.command == command then
      return true
    end
  end
  return false
end

H.test('a denied pipelens.toml makes the project untrusted, and the server says so', function()
  H.eq(false, pipelens.trusted(client.root_dir), 'trusted()')
  local lenses = lens_commands()
  assert(has_lens(lenses, 'synth is off in an untrusted workspace', ''), vim.inspect(lenses))
  assert(not has_lens(lenses, '▶ Synthesize', 'pipelens.synth'), vim.inspect(lenses))
end)

H.test(':PipelensSynth answers why nothing ran', function()
  H.clear(messages)
  vim.cmd('PipelensSynth')
  local m = H.wait('a message', function()
    return messages[1]
  end)
  H.eq(vim.log.levels.ERROR, m.level, 'level')
  H.contains(m.msg, 'untrusted workspace', 'message')
end)

H.test(':PipelensTrust trusts the project and the synth lens comes back', function()
  H.clear(messages)
  vim.cmd('PipelensTrust')
  H.wait('the synth lens', function()
    return has_lens(lens_commands(), '▶ Synthesize', 'pipelens.synth')
  end)
  -- The file is allowed now: the next start asks nothing and trusts it.
  H.eq(true, pipelens.trusted(client.root_dir), 'trusted() after :PipelensTrust')
end)

H.test('setup({ trusted = … }) decides without asking', function()
  local saved = pipelens.options.trusted
  pipelens.options.trusted = false
  H.eq(false, pipelens.trusted(client.root_dir), 'trusted = false')
  pipelens.options.trusted = true
  H.eq(true, pipelens.trusted('/nonexistent'), 'trusted = true')
  pipelens.options.trusted = saved
  -- Without a pipelens.toml (and no option) a project is trusted.
  H.eq(true, pipelens.trusted(vim.fn.tempname()), 'no pipelens.toml')
end)

H.finish()
