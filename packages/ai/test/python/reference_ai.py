"""Runs the reference AI factories (singlestoredb 1.18.1) against the s2 AI fake.

Reads {openai, bedrock, token, obo} as JSON on stdin and prints what each call returned.
"""
import json
import sys
import warnings

warnings.simplefilter('ignore')

from singlestoredb.ai import SingleStoreChatFactory, SingleStoreEmbeddingsFactory  # noqa: E402


def text_of(content):
    if isinstance(content, str):
        return content
    return ''.join(b.get('text', '') for b in content if isinstance(b, dict))


cfg = json.load(sys.stdin)
obo = (lambda: cfg['obo']) if cfg.get('obo') else None
common = dict(api_key=cfg['token'], obo_token_getter=obo)
out = {}

chat = SingleStoreChatFactory('gpt-fake', base_url=cfg['openai'], hosting_platform='Azure', streaming=False, **common)
out['openai_chat'] = text_of(chat.invoke('hello world').content)
chat = SingleStoreChatFactory('gpt-fake', base_url=cfg['openai'], hosting_platform='Azure', streaming=True, **common)
out['openai_stream'] = ''.join(text_of(c.content) for c in chat.stream('stream me please'))

chat = SingleStoreChatFactory('anthropic.claude-fake:0', base_url=cfg['bedrock'], hosting_platform='Amazon', streaming=False, **common)
out['bedrock_chat'] = text_of(chat.invoke('hello world').content)
chat = SingleStoreChatFactory('anthropic.claude-fake:0', base_url=cfg['bedrock'], hosting_platform='Amazon', streaming=True, **common)
out['bedrock_stream'] = ''.join(text_of(c.content) for c in chat.stream('stream me please'))

emb = SingleStoreEmbeddingsFactory('qwen-fake', base_url=cfg['openai'], hosting_platform='Nova', **common)
out['openai_embed'] = emb.embed_documents(['alpha', 'beta'])
emb = SingleStoreEmbeddingsFactory('qwen-fake', base_url=cfg['openai'], hosting_platform='Nova', max_chunk_chars=40, **common)
out['openai_embed_long'] = emb.embed_documents(['short one', 'abcdefghij' * 9])

# Azure: LangChain's own tiktoken chunking (check_embedding_ctx_length=True), a small window so a text spans chunks.
emb = SingleStoreEmbeddingsFactory('text-embedding-3-small', base_url=cfg['openai'], hosting_platform='Azure', embedding_ctx_length=cfg['azure_window'], **common)
out['azure_embed_long'] = emb.embed_documents(['short one', cfg['azure_long']])

emb = SingleStoreEmbeddingsFactory('amazon.titan-embed-text-v2:0', base_url=cfg['bedrock'], hosting_platform='Amazon', **common)
out['bedrock_embed'] = emb.embed_documents(['one', 'two'])
out['bedrock_query'] = emb.embed_query('q')

print(json.dumps(out))
