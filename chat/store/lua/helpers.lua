-- Shared by every script (prepended to each): the key prefix and the steps several scripts take.
local P = 'hl:'
local function contains(list, item)
  for word in string.gmatch(list, '[^,]+') do if word == item then return true end end
  return false
end
local function drop_frames(sid)
  redis.call('DEL', P..'f:'..sid..':s', P..'f:'..sid..':c')
  redis.call('HSET', P..'chat:'..sid, 'in_s', 0, 'in_c', 0)
end
local function give(sid, uid, channel, now, ttl)
  local ck = P..'chat:'..sid
  local qk = redis.call('HGET', ck, 'language')..':'..redis.call('HGET', ck, 'pathway')
  redis.call('ZREM', P..'queue', sid)
  redis.call('ZREM', P..'q:'..qk, sid)
  drop_frames(sid)
  local answered = tonumber(redis.call('HGET', ck, 'answered_at') or '0')
  if answered == 0 then answered = now end
  redis.call('HSET', ck, 'state', 'assigned', 'counsellor', uid, 'counsellor_channel', channel,
    'counsellor_online', '1', 'assigned_at', now, 'answered_at', answered, 'hs', '')
  redis.call('HINCRBY', ck, 'epoch', 1)
  redis.call('EXPIRE', ck, ttl)
  redis.call('HINCRBY', P..'c:'..uid, 'active', 1)
  redis.call('SADD', P..'c:'..uid..':chats', sid)
  redis.call('SADD', P..'live', sid)
end
local function release(sid, uid)
  redis.call('SREM', P..'c:'..uid..':chats', sid)
  local active = tonumber(redis.call('HGET', P..'c:'..uid, 'active') or '0')
  if active > 0 then redis.call('HINCRBY', P..'c:'..uid, 'active', -1) end
end
