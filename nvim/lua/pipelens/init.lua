--- pipelens for Neovim 0.11+: setup, user commands and the pipeline graph view.
--- The server configuration itself is `lsp/pipelens.lua`; this module only adds to it.
local M = {}

--- Options of the plugin itself (not of the server configuration).
---   trusted: nil (default) — a project with a `pipelens.toml` is trusted when Neovim's trust
---            database allows that file (`vim.secure.read`, which asks once, as for 'exrc');
---            a project without one is trusted. true / false: every project, without asking.
---   codelens: true (default) — show the server's code lenses (the stage chain above each
---            pipeline, ▶ Synthesize), refreshed on attach, on entering the buffer, on leaving
---            insert mode and after a write. false: leave them to your own config.
M.options = { trusted = nil, codelens = true }

--- Merges `opts` (any `vim.lsp.Config` field: cmd, settings, init_options, root_markers, …)
--- into the `pipelens` configuration and enables it. `opts.trusted` is the plugin's own
--- option (see |pipelens-trust|), not passed to the server configuration.
---@param opts? vim.lsp.Config|{trusted?: boolean}
function M.setup(opts)
  opts = vim.deepcopy(opts or {})
  if vim.fn.has('nvim-0.11') == 0 then
    vim.notify('pipelens: needs Neovim 0.11 or newer', vim.log.levels.ERROR)
    return
  end
  if opts.trusted ~= nil then
    M.options.trusted = opts.trusted == true
    opts.trusted = nil
  end
  if opts.codelens ~= nil then
    M.options.codelens = opts.codelens ~= false
    opts.codelens = nil
  end
  if next(opts) ~= nil then
    vim.lsp.config('pipelens', opts)
  end
  M.create_commands()
  vim.lsp.enable('pipelens')
end

local function notify(msg, level)
  vim.notify('pipelens: ' .. msg, level or vim.log.levels.INFO)
end

--- The settings file of a project, when it has one.
---@param root? string
---@return string?
local function settings_file(root)
  if not root then
    return nil
  end
  local path = vim.fs.joinpath(root, 'pipelens.toml')
  return vim.uv.fs_stat(path) and path or nil
end

--- Whether the project at `root` is trusted: the server runs no process (synth, git) and calls
--- no AWS API for a project that is not. See `M.options.trusted`.
---@param root? string
---@return boolean
function M.trusted(root)
  if M.options.trusted ~= nil then
    return M.options.trusted
  end
  local toml = settings_file(root)
  if toml then
    -- nil when the user denied the file, or has not allowed its current content.
    return vim.secure.read(toml) ~= nil
  end
  return true
end

--- The pipelens client attached to `bufnr`, or nil after telling the user why not.
---@param bufnr integer
---@return vim.lsp.Client?
local function client_for(bufnr)
  local client = vim.lsp.get_clients({ bufnr = bufnr, name = 'pipelens' })[1]
  if not client then
    notify('no pipelens server is attached to this buffer', vim.log.levels.WARN)
  end
  return client
end

--- `:PipelensTrust`: trust the project of the current buffer (and its `pipelens.toml`, in
--- Neovim's trust database), and tell its server.
---@param bufnr? integer
function M.trust(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local client = client_for(bufnr)
  if not client then
    return
  end
  local toml = settings_file(client.root_dir)
  if toml then
    -- `allow` takes a buffer (what is trusted is the content the user could see).
    local buf = vim.fn.bufadd(toml)
    vim.fn.bufload(buf)
    local ok, err = vim.secure.trust({ action = 'allow', bufnr = buf })
    if not ok then
      notify('cannot trust ' .. toml .. ': ' .. tostring(err), vim.log.levels.ERROR)
      return
    end
  end
  client:notify('pipelens/didChangeTrust', { trusted = true })
  notify('trusted ' .. tostring(client.root_dir) .. ': synth, git and the bootstrap check are on')
end

--- One argument for a POSIX shell: as it is when it needs no quoting, else single-quoted.
---@param arg string
---@return string
function M.shell_quote(arg)
  if arg:match('^[%w_%-%+=%.,:/@%%%^]+$') then
    return arg
  end
  return vim.fn.shellescape(arg)
end

--- A short, readable form of an LSP error (a `lsp.ResponseError` table or a string).
---@param err any
---@return string
function M.error_message(err)
  if type(err) == 'table' then
    local msg = err.message or vim.inspect(err)
    if err.code == -32601 then -- MethodNotFound
      return msg .. ' (this pipelens server does not support it; is it up to date?)'
    end
    return msg
  end
  return tostring(err)
end

--- A result as text: strings as they are, a list of strings as a shell command line.
---@param result any
---@return string
local function result_text(result)
  if type(result) == 'string' then
    return result
  end
  if type(result) == 'table' and vim.islist(result) and #result > 0 then
    local all_strings = true
    for _, v in ipairs(result) do
      all_strings = all_strings and type(v) == 'string'
    end
    if all_strings then
      return table.concat(vim.tbl_map(M.shell_quote, result), ' ')
    end
  end
  if type(result) == 'table' and type(result.message) == 'string' then
    return result.message
  end
  return vim.json.encode(result)
end

--- Runs an LSP command of the server (`workspace/executeCommand`) with the buffer's uri.
---@param command string e.g. 'pipelens.synth'
---@param bufnr? integer
---@param on_result? fun(err: any, result: any)
---@param extra? any an argument after the uri
function M.execute(command, bufnr, on_result, extra)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local client = client_for(bufnr)
  if not client then
    return
  end
  local params = { command = command, arguments = { vim.uri_from_bufnr(bufnr), extra } }
  client:request('workspace/executeCommand', params, function(err, result)
    if on_result then
      on_result(err, result)
    elseif err then
      notify(command .. ' failed: ' .. M.error_message(err), vim.log.levels.ERROR)
    elseif result ~= nil and result ~= vim.NIL then
      notify(command .. ': ' .. result_text(result))
    else
      notify(command .. ': done')
    end
  end, bufnr)
end

--- Lines for the pipeline graph (the `preview` json: pipelines → stages → actions), and for
--- each line the source line it comes from (1-based), if any.
---@param graph table
---@return string[] lines, table<integer, integer> source_lines
function M.graph_lines(graph)
  local lines, source = {}, {}
  local function add(text, line)
    lines[#lines + 1] = text
    if type(line) == 'number' then
      source[#lines] = line
    end
  end
  local pipelines = type(graph) == 'table' and graph.pipelines or nil
  if type(pipelines) ~= 'table' or #pipelines == 0 then
    add('No pipeline in this file.')
    return lines, source
  end
  for i, p in ipairs(pipelines) do
    if i > 1 then
      add('')
    end
    add(('Pipeline %s (%s)'):format(tostring(p.id), tostring(p.origin or 'predicted')), p.line)
    for _, stage in ipairs(p.stages or {}) do
      local maybe = stage.certain == false and '  (if needed)' or ''
      add(('  %s%s'):format(tostring(stage.name), maybe), stage.line)
      for _, a in ipairs(stage.actions or {}) do
        local where = ''
        if a.account ~= nil and a.account ~= vim.NIL then
          where = '  → ' .. tostring(a.account)
          if a.region ~= nil and a.region ~= vim.NIL then
            where = where .. ' / ' .. tostring(a.region)
          end
        end
        local kind = (a.kind ~= nil and a.kind ~= vim.NIL) and ('  ' .. tostring(a.kind)) or ''
        add(('    %d. %s%s%s'):format(tonumber(a.runOrder) or 0, tostring(a.name), kind, where))
      end
    end
  end
  return lines, source
end

--- Shows a pipeline graph in a scratch buffer beside `source_buf`. `<CR>` jumps to the line a
--- stage comes from, `q` closes.
--- The cursor starts on `stage` when one is named (the code action "Show the synthesized stages
--- of <stage>").
---@param graph table
---@param source_buf integer
---@param stage? string
---@param pipeline? string the id of the pipeline `stage` is in
---@return integer bufnr
function M.show_graph(graph, source_buf, stage, pipeline)
  local lines, source = M.graph_lines(graph)
  local source_win = vim.fn.bufwinid(source_buf)
  local buf = vim.api.nvim_create_buf(false, true)
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].modifiable = false
  vim.bo[buf].bufhidden = 'wipe'
  vim.bo[buf].filetype = 'pipelensgraph'
  pcall(vim.api.nvim_buf_set_name, buf, 'pipelens://graph/' .. vim.api.nvim_buf_get_name(source_buf))
  vim.b[buf].pipelens_source_lines = source
  vim.cmd('botright vsplit')
  vim.api.nvim_win_set_buf(0, buf)
  vim.keymap.set('n', 'q', '<cmd>close<cr>', { buffer = buf, desc = 'Close the pipeline graph' })
  vim.keymap.set('n', '<CR>', function()
    local line = source[vim.api.nvim_win_get_cursor(0)[1]]
    if not line or not vim.api.nvim_buf_is_valid(source_buf) then
      return
    end
    if source_win ~= -1 and vim.api.nvim_win_is_valid(source_win) then
      vim.api.nvim_set_current_win(source_win)
    else
      vim.cmd('wincmd p')
    end
    vim.api.nvim_win_set_buf(0, source_buf)
    vim.api.nvim_win_set_cursor(0, { line, 0 })
  end, { buffer = buf, desc = 'Go to the code of this stage' })
  if type(stage) == 'string' then
    -- In the named pipeline when the action says which (two may share a stage name).
    local header = type(pipeline) == 'string' and ('Pipeline ' .. pipeline .. ' (') or nil
    local inside = header == nil
    for i, l in ipairs(lines) do
      if header and l:sub(1, #header) == header then
        inside = true
      elseif header and l:sub(1, 9) == 'Pipeline ' then
        inside = false
      end
      if inside and (l == '  ' .. stage or l == '  ' .. stage .. '  (if needed)') then
        vim.api.nvim_win_set_cursor(0, { i, 2 })
        break
      end
    end
  end
  return buf
end

--- `:PipelensGraph`: asks the server for the buffer's pipeline (`pipelens/pipelineGraph`) and
--- shows its stages.
---@param bufnr? integer
---@param stage? string the stage to start on
---@param pipeline? string the id of its pipeline
function M.graph(bufnr, stage, pipeline)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local client = client_for(bufnr)
  if not client then
    return
  end
  local params = { textDocument = { uri = vim.uri_from_bufnr(bufnr) } }
  client:request('pipelens/pipelineGraph', params, function(err, result)
    if err then
      notify('pipeline graph failed: ' .. M.error_message(err), vim.log.levels.ERROR)
      return
    end
    M.show_graph(result or {}, bufnr, stage, pipeline)
  end, bufnr)
end

--- The answer of `pipelens.synth` (the `preview` json of the buffer, synthesized) in one line
--- per pipeline: its stage chain; `:PipelensGraph` shows the actions.
---@param result any
---@return string
function M.synth_summary(result)
  local pipelines = type(result) == 'table' and result.pipelines or nil
  if type(pipelines) ~= 'table' or #pipelines == 0 then
    return 'synthesized; no pipeline of this file is in the cloud assembly'
  end
  local lines = {}
  for _, p in ipairs(pipelines) do
    local names = {}
    for _, stage in ipairs(p.stages or {}) do
      names[#names + 1] = tostring(stage.name)
    end
    lines[#lines + 1] = ('%s (%s): %s'):format(tostring(p.id), tostring(p.origin or 'synthesized'), table.concat(names, ' → '))
  end
  return 'synthesized ' .. table.concat(lines, '; ') .. ' — :PipelensGraph shows the actions'
end

--- The line to echo for a `$/progress` value of the server (`title` is the one its `begin`
--- gave), or nil when there is nothing to say.
---@param value table
---@param title? string
---@return string?
function M.progress_text(value, title)
  if type(value) ~= 'table' then
    return nil
  end
  local t = value.title or title or 'pipelens'
  local msg = type(value.message) == 'string' and value.message or ''
  if value.kind == 'end' then
    return ('pipelens: %s: %s'):format(t, msg ~= '' and msg or 'done')
  end
  return ('pipelens: %s%s'):format(t, msg ~= '' and (': ' .. msg) or '')
end

--- `:PipelensSynth`: the synth, its progress echoed as it runs, then a one-line summary (or
--- its error, once; nothing when it was cancelled).
---@param bufnr? integer
function M.synth(bufnr)
  M.execute('pipelens.synth', bufnr, function(err, result)
    if err then
      if type(err) == 'table' and err.code == -32800 then -- RequestCancelled: the user did
        notify('synth cancelled')
      else
        notify('synth failed: ' .. M.error_message(err), vim.log.levels.ERROR)
      end
      return
    end
    notify(M.synth_summary(result))
  end)
end

--- The lines of a `pipelens.bootstrapCommand` `{all = true}` answer: one per target, its
--- command line quoted for a shell; or why none is listed.
---@param answer any
---@return string[]
function M.bootstrap_lines(answer)
  local targets = type(answer) == 'table' and answer.targets or nil
  local unknown = type(answer) == 'table' and type(answer.unknown) == 'string' and answer.unknown or nil
  local lines = {}
  for _, t in ipairs(type(targets) == 'table' and targets or {}) do
    if type(t.fix) == 'table' then
      lines[#lines + 1] = ('# %s/%s (%s)'):format(tostring(t.account), tostring(t.region), tostring(t.status))
      lines[#lines + 1] = table.concat(vim.tbl_map(M.shell_quote, t.fix), ' ')
    end
  end
  if #lines == 0 then
    if unknown then
      return { 'no target could be checked, so none is known to need bootstrapping: ' .. unknown }
    end
    return { 'no target of this pipeline needs bootstrapping' }
  end
  if unknown then
    lines[#lines + 1] = '# not every target could be checked: ' .. unknown
  end
  return lines
end

--- `:PipelensBootstrapCommand`: the `cdk bootstrap` command of every target that needs one,
--- shown and copied to the unnamed register (and the clipboard, when there is one). pipelens
--- never runs it.
---@param bufnr? integer
function M.bootstrap_command(bufnr)
  M.execute('pipelens.bootstrapCommand', bufnr, function(err, result)
    if err then
      notify('bootstrap command failed: ' .. M.error_message(err), vim.log.levels.ERROR)
      return
    end
    local lines = M.bootstrap_lines(result)
    local commands = vim.tbl_filter(function(l)
      return l:sub(1, 1) ~= '#' and l:find('^no target') == nil
    end, lines)
    if #commands > 0 then
      local text = table.concat(commands, '\n') .. '\n'
      vim.fn.setreg('"', text)
      if vim.fn.has('clipboard') == 1 then
        pcall(vim.fn.setreg, '+', text)
      end
      lines[#lines + 1] = '(copied: paste it into a shell to run it)'
    end
    notify(table.concat(lines, '\n'))
  end, { all = true })
end

--- Shows a `cdk bootstrap` argv as a shell command line and copies it (unnamed register, and
--- the clipboard when there is one). pipelens never runs it.
---@param argv string[]
function M.show_and_copy(argv)
  local line = table.concat(vim.tbl_map(M.shell_quote, argv), ' ')
  vim.fn.setreg('"', line .. '\n')
  if vim.fn.has('clipboard') == 1 then
    pcall(vim.fn.setreg, '+', line .. '\n')
  end
  notify('run this in a shell to bootstrap (copied):\n' .. line)
end

--- The quick fix "Bootstrap aws://…" (a code action whose command is
--- `pipelens.bootstrapCommand`): asks the server for the argv, then shows and copies it;
--- Neovim would otherwise drop the answer.
local function bootstrap_fix(command, ctx)
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  if not client then
    return
  end
  local params = { command = command.command, arguments = command.arguments }
  client:request('workspace/executeCommand', params, function(err, result)
    if err then
      notify('bootstrap command failed: ' .. M.error_message(err), vim.log.levels.ERROR)
    elseif type(result) == 'table' and vim.islist(result) and #result > 0 then
      M.show_and_copy(result)
    else
      notify('no target of this pipeline is known to need bootstrapping')
    end
  end, ctx.bufnr)
end

--- Shows the server's code lenses in pipelens buffers (Neovim does not by default): on
--- attach, and again on entering the buffer, leaving insert mode and after a write.
local function show_codelenses()
  local group = vim.api.nvim_create_augroup('pipelens.codelens', { clear = true })
  vim.api.nvim_create_autocmd('LspAttach', {
    group = group,
    callback = function(ev)
      local client = vim.lsp.get_client_by_id(ev.data.client_id)
      if not client or client.name ~= 'pipelens' or M.options.codelens == false then
        return
      end
      local function refresh()
        if vim.api.nvim_buf_is_valid(ev.buf) then
          pcall(vim.lsp.codelens.refresh, { bufnr = ev.buf })
        end
      end
      refresh()
      vim.api.nvim_create_autocmd({ 'BufEnter', 'InsertLeave', 'BufWritePost' }, {
        group = group,
        buffer = ev.buf,
        callback = refresh,
      })
    end,
  })
end

local progress_titles = {}

--- Echoes the server's `$/progress` (the synth's seconds and steps) in the command line:
--- Neovim shows no progress by itself.
local function echo_progress()
  vim.api.nvim_create_autocmd('LspProgress', {
    group = vim.api.nvim_create_augroup('pipelens.progress', { clear = true }),
    callback = function(ev)
      local client = vim.lsp.get_client_by_id(ev.data.client_id)
      local params = ev.data.params or {}
      if not client or client.name ~= 'pipelens' or type(params.value) ~= 'table' then
        return
      end
      local key = tostring(params.token)
      local text = M.progress_text(params.value, progress_titles[key])
      if params.value.kind == 'begin' then
        progress_titles[key] = params.value.title
      elseif params.value.kind == 'end' then
        progress_titles[key] = nil
      end
      if text then
        vim.api.nvim_echo({ { text } }, false, {})
      end
    end,
  })
end

local commands = {
  PipelensSynth = { 'pipelens.synth', 'Run `cdk synth` for this app and show a summary of the real pipeline' },
  PipelensBootstrapCommand = {
    'pipelens.bootstrapCommand',
    'Show the `cdk bootstrap` command for the targets of this pipeline',
  },
  PipelensRefreshBootstrap = {
    'pipelens.refreshBootstrap',
    'Check the bootstrap state of the targets again',
  },
  PipelensRefreshLive = {
    'pipelens.refreshLive',
    'Read the deployed pipelines again (which commit is where)',
  },
}

--- Creates the `:Pipelens…` user commands (idempotent).
function M.create_commands()
  for name, c in pairs(commands) do
    vim.api.nvim_create_user_command(name, function()
      if c[1] == 'pipelens.synth' then
        M.synth()
      elseif c[1] == 'pipelens.bootstrapCommand' then
        M.bootstrap_command()
      else
        M.execute(c[1])
      end
    end, { desc = 'pipelens: ' .. c[2], force = true })
  end
  echo_progress()
  show_codelenses()
  vim.lsp.commands['pipelens.bootstrapCommand'] = bootstrap_fix
  -- The code action "Approve or reject <action>…" on an approval waiting in the deployed
  -- pipeline: `[uri, {pipeline, stage, action}]`. Asks to approve or reject, then for the
  -- summary CodePipeline keeps; nothing is decided without both.
  vim.lsp.commands['pipelens.decideApproval'] = function(command, ctx)
    local args = type(command) == 'table' and command.arguments or {}
    local uri, approval = args[1], args[2]
    if type(approval) ~= 'table' then
      return
    end
    local client = vim.lsp.get_client_by_id(ctx.client_id)
    if not client then
      return
    end
    local what = ('%s (stage %s of pipeline %s)'):format(approval.action, approval.stage, approval.pipeline)
    vim.ui.select({ 'Approve', 'Reject' }, { prompt = 'pipelens: ' .. what .. '?' }, function(choice)
      if not choice then
        return
      end
      vim.ui.input({ prompt = choice .. ' ' .. approval.action .. ', summary: ' }, function(summary)
        if not summary or vim.trim(summary) == '' then
          notify(approval.action .. ': nothing decided (a summary is needed)', vim.log.levels.WARN)
          return
        end
        local answer = vim.tbl_extend('force', approval, { approve = choice == 'Approve', summary = summary })
        client:request('workspace/executeCommand', {
          command = 'pipelens.approve',
          arguments = { uri, answer },
        }, function(err)
          if err then
            notify(choice .. ' ' .. approval.action .. ' failed: ' .. M.error_message(err), vim.log.levels.ERROR)
          else
            notify(approval.action .. (choice == 'Approve' and ' approved' or ' rejected'))
          end
        end, ctx.bufnr)
      end)
    end)
  end
  -- The code action "Show the synthesized stages of <stage>": `[uri, stage, pipeline id]`.
  vim.lsp.commands['pipelens.showPipelineGraph'] = function(command, ctx)
    local args = type(command) == 'table' and command.arguments or {}
    local stage, pipeline = args[2], args[3]
    M.graph(ctx.bufnr, type(stage) == 'string' and stage or nil, type(pipeline) == 'string' and pipeline or nil)
  end
  vim.api.nvim_create_user_command('PipelensGraph', function()
    M.graph()
  end, { desc = 'pipelens: show the CodePipeline stages of this file', force = true })
  vim.api.nvim_create_user_command('PipelensTrust', function()
    M.trust()
  end, { desc = 'pipelens: trust this project (synth, git and AWS calls)', force = true })
end

return M
