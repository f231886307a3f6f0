-- The :Pipelens… commands: they exist, talk to the server, and show its answer or its error
-- message cleanly; the pipeline graph view renders the `preview` json.
local H = require('helpers')
local pipelens = require('pipelens')
local buf = H.open()

local messages = H.capture_messages()

H.test('the commands exist', function()
  for _, c in ipairs({ 'PipelensSynth', 'PipelensBootstrapCommand', 'PipelensRefreshBootstrap', 'PipelensGraph' }) do
    H.eq(2, vim.fn.exists(':' .. c), ':' .. c)
  end
end)

H.test('a command the server does not know shows its error message', function()
  H.clear(messages)
  pipelens.execute('pipelens.noSuchCommand', buf)
  local m = H.wait('a message', function()
    return messages[1]
  end)
  H.eq(vim.log.levels.ERROR, m.level, 'level')
  assert(m.msg:match('^pipelens: pipelens%.noSuchCommand failed: %S'), m.msg)
  assert(not m.msg:find('traceback', 1, true), m.msg)
end)

H.test(':PipelensGraph shows the stages, or the server error', function()
  H.clear(messages)
  local wins = #vim.api.nvim_list_wins()
  vim.cmd('PipelensGraph')
  H.wait('a graph window or a message', function()
    return #vim.api.nvim_list_wins() > wins or messages[1]
  end)
  if messages[1] then
    -- A server without pipelens/pipelineGraph yet: its message, said once, cleanly.
    assert(messages[1].msg:match('^pipelens: pipeline graph failed: %S'), messages[1].msg)
    return
  end
  local text = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
  for _, stage in ipairs({ 'Source', 'Build', 'UpdatePipeline', 'Dev', 'Staging', 'Prod' }) do
    H.contains(text, '\n  ' .. stage, 'graph')
  end
  vim.cmd('close')
end)

H.test('the graph view lists stages and actions and jumps to the code', function()
  local graph = {
    pipelines = {
      {
        id = 'Pipeline',
        file = H.file,
        line = 3,
        origin = 'predicted',
        stages = {
          { name = 'Source', certain = true, line = 2, actions = {
            { name = 'acme_payments', runOrder = 1, kind = 'Source', account = vim.NIL, region = vim.NIL },
          } },
          { name = 'Assets', certain = false, line = vim.NIL, actions = {} },
          { name = 'Dev', certain = true, line = 5, actions = {
            { name = 'Prepare', runOrder = 1, kind = 'CloudFormation', account = '111111111111', region = 'us-east-1' },
            { name = 'Deploy', runOrder = 2, kind = 'CloudFormation', account = '111111111111', region = 'us-east-1' },
          } },
        },
      },
    },
  }
  local gbuf = pipelens.show_graph(graph, buf)
  H.eq({
    'Pipeline Pipeline (predicted)',
    '  Source',
    '    1. acme_payments  Source',
    '  Assets  (if needed)',
    '  Dev',
    '    1. Prepare  CloudFormation  → 111111111111 / us-east-1',
    '    2. Deploy  CloudFormation  → 111111111111 / us-east-1',
  }, vim.api.nvim_buf_get_lines(gbuf, 0, -1, false), 'graph lines')
  vim.api.nvim_win_set_cursor(0, { 5, 0 })
  vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes('<CR>', true, false, true), 'x', false)
  H.eq(buf, vim.api.nvim_get_current_buf(), 'buffer after <CR>')
  H.eq(5, vim.api.nvim_win_get_cursor(0)[1], 'line after <CR>')
end)

H.test(':PipelensSynth ends with one short line, not the json', function()
  local answer = {
    pipelines = {
      { id = 'Pipeline', origin = 'synthesized', stages = {
        { name = 'Source', actions = { { name = 'a' } } },
        { name = 'Build', actions = {} },
        { name = 'Prod', actions = { { name = 'Api.Deploy', region = 'eu-west-1' } } },
      } },
    },
  }
  local line = pipelens.synth_summary(answer)
  H.eq('synthesized Pipeline (synthesized): Source → Build → Prod — :PipelensGraph shows the actions', line, 'summary')
  assert(not line:find('Api.Deploy', 1, true), line)
  H.contains(pipelens.synth_summary({ pipelines = {} }), 'no pipeline of this file', 'empty')
end)

H.test('the synth progress is echoed with its seconds', function()
  H.eq('pipelens: cdk synth: /app', pipelens.progress_text({ kind = 'begin', title = 'cdk synth', message = '/app' }), 'begin')
  H.eq('pipelens: cdk synth: 3 s · running cdk', pipelens.progress_text({ kind = 'report', message = '3 s · running cdk' }, 'cdk synth'), 'report')
  H.eq('pipelens: cdk synth: synthesized in 4.2 s', pipelens.progress_text({ kind = 'end', message = 'synthesized in 4.2 s' }, 'cdk synth'), 'end')
  H.eq(nil, pipelens.progress_text(nil), 'nothing')
end)

H.test(':PipelensBootstrapCommand lists every target with a command a shell can run', function()
  local argv = { 'cdk', 'bootstrap', 'aws://333333333333/eu-west-1', '--profile', "it's me" }
  local lines = pipelens.bootstrap_lines({
    targets = {
      { account = '333333333333', region = 'eu-west-1', status = 'unbootstrapped-target', fix = argv },
      { account = '111111111111', region = 'us-east-1', status = 'untrusted-target', fix = { 'cdk', 'bootstrap', 'aws://111111111111/us-east-1' } },
    },
    unknown = vim.NIL,
  })
  H.eq('# 333333333333/eu-west-1 (unbootstrapped-target)', lines[1], 'first target')
  H.eq("cdk bootstrap aws://333333333333/eu-west-1 --profile " .. vim.fn.shellescape("it's me"), lines[2], 'quoted for a shell')
  H.eq(4, #lines, 'two targets')
  local none = pipelens.bootstrap_lines({ targets = {}, unknown = 'no AWS credentials were found' })
  H.contains(none[1], 'no target could be checked', 'without credentials')
  H.contains(pipelens.bootstrap_lines({ targets = {} })[1], 'no target of this pipeline needs', 'all fine')
end)

H.test(':PipelensBootstrapCommand asks the server for every target', function()
  H.clear(messages)
  vim.cmd('PipelensBootstrapCommand')
  local m = H.wait('a message', function()
    return messages[1]
  end)
  -- The example has no credentials here: nothing could be checked, and it says so (not that
  -- no target needs bootstrapping).
  assert(m.msg:match('^pipelens: '), m.msg)
  assert(m.msg:find('no target could be checked', 1, true), m.msg)
end)

H.test('the bootstrap quick fix shows the command and copies it', function()
  assert(vim.lsp.commands['pipelens.bootstrapCommand'], 'a client-side handler')
  H.clear(messages)
  vim.fn.setreg('"', '')
  pipelens.show_and_copy({ 'cdk', 'bootstrap', 'aws://333333333333/eu-west-1', '--trust', "it's" })
  local want = "cdk bootstrap aws://333333333333/eu-west-1 --trust " .. vim.fn.shellescape("it's")
  H.eq(want .. '\n', vim.fn.getreg('"'), 'copied')
  H.contains(messages[1].msg, want, 'shown')
end)

H.test('the graph view starts on the named stage of the named pipeline', function()
  local two = {
    pipelines = {
      { id = 'Blue', origin = 'synthesized', stages = { { name = 'Prod', actions = {} } } },
      { id = 'Green', origin = 'synthesized', stages = { { name = 'Prod', actions = {} } } },
    },
  }
  local gbuf = pipelens.show_graph(two, buf, 'Prod', 'Green')
  local row = vim.api.nvim_win_get_cursor(0)[1]
  local lines = vim.api.nvim_buf_get_lines(gbuf, 0, -1, false)
  H.eq('  Prod', lines[row], 'on a Prod line')
  H.eq('Pipeline Green (synthesized)', lines[row - 1], "in Green's part")
  vim.cmd('close')
end)

H.test('the code action "Show the synthesized stages" opens the graph view', function()
  local wins = #vim.api.nvim_list_wins()
  vim.lsp.commands['pipelens.showPipelineGraph']({ command = 'pipelens.showPipelineGraph' }, { bufnr = buf })
  H.wait('a graph window', function()
    return #vim.api.nvim_list_wins() > wins
  end)
  H.contains(table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n'), 'Pipeline', 'graph')
  vim.cmd('close')
  -- Named by the action (`[uri, stage]`): the cursor starts on that stage.
  wins = #vim.api.nvim_list_wins()
  vim.lsp.commands['pipelens.showPipelineGraph'](
    { command = 'pipelens.showPipelineGraph', arguments = { vim.uri_from_bufnr(buf), 'Staging' } },
    { bufnr = buf }
  )
  H.wait('a graph window', function()
    return #vim.api.nvim_list_wins() > wins
  end)
  H.eq('  Staging', vim.api.nvim_get_current_line(), 'the cursor on the named stage')
  vim.cmd('close')
end)

H.finish()
