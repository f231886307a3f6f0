--- `:checkhealth pipelens`: Neovim version, the server binary, its version, running clients.
local M = {}

--- The configured server command, as the user's overrides left it.
---@return string[]|function|nil
local function configured_cmd()
  local ok, config = pcall(function()
    return vim.lsp.config.pipelens
  end)
  return ok and config and config.cmd or nil
end

function M.check()
  vim.health.start('Neovim')
  local v = vim.version()
  local version = ('%d.%d.%d'):format(v.major, v.minor, v.patch)
  if vim.fn.has('nvim-0.11') == 1 then
    vim.health.ok('Neovim ' .. version)
  else
    vim.health.error(
      'Neovim ' .. version .. ' is too old',
      { 'pipelens needs Neovim 0.11 or newer (vim.lsp.config / vim.lsp.enable)' }
    )
    return
  end

  vim.health.start('pipelens server')
  local cmd = configured_cmd()
  if type(cmd) == 'function' then
    vim.health.info('cmd is a function; it is not checked here')
  elseif type(cmd) ~= 'table' or type(cmd[1]) ~= 'string' then
    vim.health.error('no command configured', {
      "set one: vim.lsp.config('pipelens', { cmd = { 'pipelens', 'serve' } })",
    })
  else
    local exe = vim.fn.exepath(cmd[1])
    if exe == '' then
      vim.health.error(('`%s` is not executable or not on PATH'):format(cmd[1]), {
        'install it: cargo install --path server (in the pipelens repository)',
        "or point to it: require('pipelens').setup({ cmd = { '/path/to/pipelens', 'serve' } })",
      })
    else
      vim.health.ok(('command: %s (%s)'):format(table.concat(cmd, ' '), exe))
      local ok, res = pcall(function()
        return vim.system({ exe, '--version' }, { text = true }):wait(5000)
      end)
      if ok and res.code == 0 and vim.trim(res.stdout or '') ~= '' then
        vim.health.ok('version: ' .. vim.trim(res.stdout))
      else
        local why = ok and vim.trim((res.stderr or '') .. ' exit ' .. tostring(res.code)) or res
        vim.health.warn('`' .. exe .. ' --version` failed: ' .. tostring(why))
      end
    end
  end

  local clients = vim.lsp.get_clients({ name = 'pipelens' })
  if #clients == 0 then
    vim.health.info('no pipelens client is running (open a Python or TypeScript file of a CDK app)')
  end
  for _, c in ipairs(clients) do
    local info = c.server_info or {}
    vim.health.ok(
      ('client %d: server %s %s, root %s, position encoding %s'):format(
        c.id,
        info.name or '?',
        info.version or '?',
        c.root_dir or '(none)',
        c.offset_encoding or '?'
      )
    )
  end
end

return M
