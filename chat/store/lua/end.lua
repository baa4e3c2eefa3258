local sid = ARGV[1]
local ck = P..'chat:'..sid
local data = redis.call('HGETALL', ck)
if #data == 0 then return false end
local f = {}
for i = 1, #data, 2 do f[data[i]] = data[i + 1] end
redis.call('DEL', ck, P..'tok:'..f['token'], P..'f:'..sid..':s', P..'f:'..sid..':c')
redis.call('ZREM', P..'queue', sid)
redis.call('ZREM', P..'q:'..f['language']..':'..f['pathway'], sid)
redis.call('SREM', P..'live', sid)
for i = 2, #ARGV do redis.call('ZREM', P..'deadlines', ARGV[i]..'|'..sid) end
local uid = f['counsellor'] or '0'
if uid ~= '0' and f['state'] ~= 'queued' then
  release(sid, uid)
  redis.call('SADD', P..'c:'..uid..':wrapups', sid)
end
return data
