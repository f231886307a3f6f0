-- The bootstrap quick fix through a real code action: tests/nvim/run points this spec's server
-- at a moto server, where no target of the example is bootstrapped. The code action
-- "Bootstrap aws://…" on a stage's env shows the `cdk bootstrap` command and copies it; pipelens
-- runs nothing.
local H = require('helpers')
local buf = H.open()

local messages = H.capture_messages()

H.test('the probe says a target is not bootstrapped, on its env', function()
  local d = H.wait('an unbootstrapped-target diagnostic', function()
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.code == 'unbootstrapped-target' then
        return d
      end
    end
  end)
  H.eq(vim.diagnostic.severity.ERROR, d.severity, 'severity')
  H.contains(H.line(buf, d.lnum), 'account', 'on the env')
end)

H.test('its quick fix, applied as a code action, shows the cdk bootstrap command and copies it', function()
  local d
  for _, x in ipairs(vim.diagnostic.get(buf)) do
    if x.code == 'unbootstrapped-target' then
      d = x
      break
    end
  end
  assert(d, 'no unbootstrapped-target diagnostic')
  vim.api.nvim_win_set_cursor(0, { d.lnum + 1, d.col })
  vim.fn.setreg('"', '')
  H.clear(messages)
  vim.lsp.buf.code_action({
    apply = true,
    filter = function(a)
      return a.title:find('^Bootstrap aws://') ~= nil
    end,
  })
  local copied = H.wait('the command in the unnamed register', function()
    local r = vim.fn.getreg('"')
    return r ~= '' and r or nil
  end)
  assert(copied:match('^cdk bootstrap aws://%d+/[%w-]+'), copied)
  H.contains(copied, '--trust', 'trusts the pipeline account')
  local m = H.wait('a message', function()
    return messages[1]
  end)
  H.contains(m.msg, vim.trim(copied), 'shown')
end)

H.finish()
