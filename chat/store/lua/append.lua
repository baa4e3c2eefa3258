local sid, sender, seq, ct, now, ttl, uid = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5], ARGV[6], ARGV[7]
local ck = P..'chat:'..sid
local field = 'seeker_channel'
if sender == 's' then field = 'counsellor_channel' end
local c = redis.call('HMGET', ck, 'state', 'in_'..sender, field, 'counsellor')
if uid ~= '0' and (not c[1] or c[1] == 'queued' or c[4] ~= uid) then return {'not_yours', ''} end
if not c[1] then return {'gone', ''} end
if c[1] ~= 'active' then return {'not_active', c[3] or ''} end
local last = tonumber(c[2] or '0')
if seq <= last then return {'dup', c[3] or ''} end
if seq ~= last + 1 then return {'gap', c[3] or ''} end
if sender == 's' then
  redis.call('HSET', ck, 'in_s', seq, 'last_seeker_activity', now)
else
  redis.call('HSET', ck, 'in_c', seq)
end
local fk = P..'f:'..sid..':'..sender
redis.call('ZADD', fk, seq, seq..'|'..ct)
redis.call('EXPIRE', fk, ttl)
-- A store on the channel layer's Redis delivers in the same step (chat.layers.raw_frame).
if ARGV[8] and c[3] and c[3] ~= '' then redis.call('PUBLISH', c[3], ARGV[8]..ct..ARGV[9]) end
return {'ok', c[3] or ''}
