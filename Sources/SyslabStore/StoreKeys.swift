import SyslabCore

/// Where a workspace's data lives in Redis (see docs/fleet.md). Every key of
/// workspace W starts with `syslab:ws:{W}:`, whose braces make W a Redis
/// Cluster hash tag, so one workspace's keys share a slot and scripts may
/// touch them together.
struct StoreKeys {
    /// The set of workspace names; "default" exists even when absent.
    static let workspaces = "syslab:workspaces"
    /// Counter that makes every revision unique, across workspaces and their deletion.
    static let revisionCounter = "syslab:revision"
    static let defaultWorkspace = "default"

    let workspace: String
    let prefix: String

    init(workspace: String) throws {
        try StoreKeys.validate(workspace: workspace)
        self.workspace = workspace
        prefix = "syslab:ws:{\(workspace)}:"
    }

    /// The set of enabled scenario names.
    var index: String { prefix + "scenarios" }
    /// Announces every change (the message body is informational only).
    var channel: String { prefix + "changes" }
    /// One string key per enabled scenario: its JSON record, with PX from its TTL.
    func scenario(_ name: String) -> String { prefix + "scenario:" + name }

    /// Names allowed for workspaces: [A-Za-z0-9_.-]{1,64}.
    static func validate(workspace name: String) throws {
        let allowed = name.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                || c == 0x5F || c == 0x2E || c == 0x2D
        }
        guard allowed, (1...64).contains(name.utf8.count) else {
            throw SyslabError.invalidArgument(
                "workspace name '\(ErrorText.quoted(name))' must be 1 to 64 characters from A-Z, a-z, 0-9, '_', '.', '-'")
        }
    }
}

/// The server-side Lua scripts (EVAL). Each change is one script, so it is
/// atomic and its announcement goes out in the same step. ARGV[1] is always
/// the workspace's key prefix.
enum StoreScripts {
    /// ARGV: prefix, name, record body (a JSON object without revision and
    /// enabled_at_ms), ttl in ms (0 = none), workspace. Returns the revision.
    static let enable = """
        local prefix, name, body, ttl_ms, workspace = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5]
        local t = redis.call('TIME')
        local now_ms = string.format('%.0f', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000))
        local revision = t[1] .. '.' .. t[2] .. '-' .. redis.call('INCR', 'syslab:revision')
        local record = '{"revision":"' .. revision .. '","enabled_at_ms":' .. now_ms .. ',' .. string.sub(body, 2)
        local key = prefix .. 'scenario:' .. name
        if ttl_ms > 0 then
          redis.call('SET', key, record, 'PX', ARGV[4])
        else
          redis.call('SET', key, record)
        end
        redis.call('SADD', prefix .. 'scenarios', name)
        redis.call('SADD', 'syslab:workspaces', workspace)
        redis.call('PUBLISH', prefix .. 'changes', 'enable')
        return revision
        """

    /// ARGV: prefix, name.
    static let disable = """
        local prefix, name = ARGV[1], ARGV[2]
        redis.call('DEL', prefix .. 'scenario:' .. name)
        redis.call('SREM', prefix .. 'scenarios', name)
        redis.call('PUBLISH', prefix .. 'changes', 'disable')
        return 'ok'
        """

    /// ARGV: prefix.
    static let reset = """
        local prefix = ARGV[1]
        for _, name in ipairs(redis.call('SMEMBERS', prefix .. 'scenarios')) do
          redis.call('DEL', prefix .. 'scenario:' .. name)
        end
        redis.call('DEL', prefix .. 'scenarios')
        redis.call('PUBLISH', prefix .. 'changes', 'reset')
        return 'ok'
        """

    /// ARGV: prefix, largest record in bytes, most records. Returns the
    /// server time (seconds, microseconds), then name, record, PTTL for each
    /// enabled scenario; a record that cannot be read comes as '!reason'
    /// with PTTL -2 (as do names over 256 bytes, and the records past the
    /// most allowed). Names whose key expired leave the index here.
    static let snapshot = """
        local prefix, max_bytes, max_records = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
        local t = redis.call('TIME')
        local out = {t[1], t[2]}
        local index = prefix .. 'scenarios'
        local index_type = redis.call('TYPE', index).ok
        if index_type ~= 'set' then
          if index_type ~= 'none' then
            table.insert(out, ''); table.insert(out, '!the index ' .. index .. ' holds a ' .. index_type .. ', not a set'); table.insert(out, -2)
          end
          return out
        end
        local count = 0
        for _, name in ipairs(redis.call('SMEMBERS', index)) do
          local key = prefix .. 'scenario:' .. name
          local kind = redis.call('TYPE', key).ok
          count = count + 1
          if count > max_records then
            table.insert(out, '')
            table.insert(out, '!the workspace holds more than ' .. max_records .. ' records; the rest were not read')
            table.insert(out, -2)
            break
          elseif #name > 256 then
            table.insert(out, string.sub(name, 1, 64) .. '...'); table.insert(out, '!the name is longer than 256 bytes'); table.insert(out, -2)
          elseif kind == 'none' then
            redis.call('SREM', index, name)
          elseif kind ~= 'string' then
            table.insert(out, name); table.insert(out, '!the key holds a ' .. kind .. ', not a JSON record'); table.insert(out, -2)
          else
            local size = redis.call('STRLEN', key)
            if size > max_bytes then
              table.insert(out, name)
              table.insert(out, '!the record is ' .. size .. ' bytes, more than the ' .. max_bytes .. ' allowed')
              table.insert(out, -2)
            else
              table.insert(out, name); table.insert(out, redis.call('GET', key)); table.insert(out, redis.call('PTTL', key))
            end
          end
        end
        return out
        """

    /// ARGV: prefix, instance, exposition text, lifetime in ms.
    static let publishMetrics = """
        local prefix, instance, text, ttl_ms = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
        local t = redis.call('TIME')
        local now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        redis.call('SET', prefix .. 'metrics:' .. instance, text, 'PX', ARGV[4])
        redis.call('ZADD', prefix .. 'instances', now_ms, instance)
        redis.call('ZREMRANGEBYSCORE', prefix .. 'instances', '-inf', now_ms - ttl_ms)
        return 'ok'
        """

    /// ARGV: prefix, instance. Removes one instance's metrics (on close).
    static let withdrawMetrics = """
        redis.call('DEL', ARGV[1] .. 'metrics:' .. ARGV[2])
        redis.call('ZREM', ARGV[1] .. 'instances', ARGV[2])
        return 'ok'
        """

    /// ARGV: prefix, lifetime in ms. Returns instance, text pairs of the live instances.
    static let readMetrics = """
        local prefix, ttl_ms = ARGV[1], tonumber(ARGV[2])
        local t = redis.call('TIME')
        local now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local instances = prefix .. 'instances'
        if redis.call('TYPE', instances).ok ~= 'zset' then return {} end
        redis.call('ZREMRANGEBYSCORE', instances, '-inf', now_ms - ttl_ms)
        local out = {}
        for _, instance in ipairs(redis.call('ZRANGE', instances, 0, -1)) do
          local key = prefix .. 'metrics:' .. instance
          if redis.call('TYPE', key).ok == 'string' then
            table.insert(out, instance); table.insert(out, redis.call('GET', key))
          end
        end
        return out
        """

    /// ARGV: prefix, workspace. Returns 0 when the workspace does not exist.
    static let deleteWorkspace = """
        local prefix, workspace = ARGV[1], ARGV[2]
        if redis.call('SISMEMBER', 'syslab:workspaces', workspace) == 0 then return 0 end
        if redis.call('TYPE', prefix .. 'scenarios').ok == 'set' then
          for _, name in ipairs(redis.call('SMEMBERS', prefix .. 'scenarios')) do
            redis.call('DEL', prefix .. 'scenario:' .. name)
          end
        end
        if redis.call('TYPE', prefix .. 'instances').ok == 'zset' then
          for _, instance in ipairs(redis.call('ZRANGE', prefix .. 'instances', 0, -1)) do
            redis.call('DEL', prefix .. 'metrics:' .. instance)
          end
        end
        redis.call('DEL', prefix .. 'scenarios', prefix .. 'instances')
        redis.call('SREM', 'syslab:workspaces', workspace)
        redis.call('PUBLISH', prefix .. 'changes', 'delete')
        return 1
        """
}
