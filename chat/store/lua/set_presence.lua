local pk = P..'c:'..ARGV[1]
for i = 2, #ARGV, 2 do redis.call('HSET', pk, ARGV[i], ARGV[i + 1]) end
redis.call('HSETNX', pk, 'active', 0)
redis.call('SADD', P..'counsellors', ARGV[1])
return 1
