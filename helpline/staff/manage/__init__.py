"""The staff administration under /staff/manage/: people, schedule, blocks, content, keys, audit.

common   who reads and who changes each section; lookups
forms    the forms (they parse; services in helpline.* check and act)
*_views  one module per section, thin views over one service call each
urls     the URL map
"""
