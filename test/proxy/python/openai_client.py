"""The official OpenAI Python SDK against the gateway: one scenario per run, its outcome printed as JSON.

Usage: OPENAI_BASE_URL=… OPENAI_API_KEY=… python3 openai_client.py <scenario>
"""
import json
import sys

import openai

MODEL = "amazon.nova-lite-v1:0"
client = openai.OpenAI(max_retries=0)


def chat():
    completion = client.chat.completions.create(
        model=MODEL, messages=[{"role": "system", "content": "Be brief."}, {"role": "user", "content": "alpha beta gamma"}]
    )
    return {"content": completion.choices[0].message.content, "finish_reason": completion.choices[0].finish_reason,
            "completion_tokens": completion.usage.completion_tokens}


def chat_stream():
    stream = client.chat.completions.create(
        model=MODEL, stream=True, stream_options={"include_usage": True}, messages=[{"role": "user", "content": "one two three four"}]
    )
    chunks = list(stream)
    return {"text": "".join(c.choices[0].delta.content or "" for c in chunks if c.choices), "chunks": len(chunks),
            "completion_tokens": chunks[-1].usage.completion_tokens}


def tool_call():
    completion = client.chat.completions.create(
        model=MODEL,
        messages=[{"role": "user", "content": "Weather in Paris?"}],
        tools=[{"type": "function", "function": {"name": "weather", "description": "Weather for a city",
                                                 "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}],
    )
    call = completion.choices[0].message.tool_calls[0]
    return {"finish_reason": completion.choices[0].finish_reason, "name": call.function.name, "arguments": json.loads(call.function.arguments)}


def custom_tool_call():
    completion = client.chat.completions.create(
        model=MODEL,
        messages=[{"role": "user", "content": "Create hello.txt"}],
        tools=[{"type": "custom", "custom": {"name": "apply_patch", "format": {"type": "grammar", "grammar": {"syntax": "lark", "definition": "start: /.+/"}}}}],
    )
    call = completion.choices[0].message.tool_calls[0]
    return {"finish_reason": completion.choices[0].finish_reason, "class": type(call).__name__, "name": call.custom.name, "input": call.custom.input}


def embeddings():
    # No encoding_format: the SDK asks for base64 and decodes it.
    response = client.embeddings.create(model="amazon.titan-embed-text-v2:0", input=["hello world", "good morning"])
    return {"count": len(response.data), "dimensions": len(response.data[0].embedding), "first": response.data[1].embedding[:3]}


def responses():
    response = client.responses.create(model=MODEL, instructions="Be brief.", input="alpha beta gamma delta")
    return {"output_text": response.output_text, "status": response.status, "output_tokens": response.usage.output_tokens}


def bad_key():
    try:
        openai.OpenAI(api_key="sk-wrong", max_retries=0).models.list()
    except openai.AuthenticationError as err:
        return {"status": err.status_code, "body": err.body}
    return {"status": 200}


if __name__ == "__main__":
    print(json.dumps(globals()[sys.argv[1]]()))
