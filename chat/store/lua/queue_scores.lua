local out = {}
for i = 2, #ARGV do
  local flat = redis.call('ZRANGEBYSCORE', P..'q:'..ARGV[i], '-inf', '('..ARGV[1], 'WITHSCORES')
  local scores = {}
  for j = 2, #flat, 2 do scores[#scores + 1] = flat[j] end
  out[#out + 1] = scores
end
return out
