local due = redis.call('ZRANGEBYSCORE', P..'deadlines', '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
if #due > 0 then redis.call('ZREM', P..'deadlines', unpack(due)) end
return due
