"""Plays the database's side of the collocated protocol (udf spec 9.2) against a server.

usage: collocated_client.py SOCKET NAME < {"requests": ["<hex>", ...], "fds": 2}
A request may also be {"hex": "<hex>", "length": N, "file_size": M}: the length announced and
the size the input file is truncated to (sparse), in place of the payload's own length.
prints {"responses": [{"status": 200, "hex": "..."} | {"status": 500, "message": "..."}]}
"""
import json
import os
import socket
import struct
import sys


def read_exact(sock, n):
    out = b''
    while len(out) < n:
        chunk = sock.recv(n - len(out))
        if not chunk:
            raise EOFError('server closed the connection')
        out += chunk
    return out


def main():
    path, name = sys.argv[1], sys.argv[2]
    spec = json.load(sys.stdin)
    inp = os.memfd_create('s2-input')
    out = os.memfd_create('s2-output')
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(path)
    encoded = name.encode('utf-8')
    sock.sendall(struct.pack('<qq', 1, len(encoded)))
    socket.send_fds(sock, [encoded], [inp, out][: spec.get('fds', 2)])
    responses = []
    for req in spec['requests']:
        if not isinstance(req, dict):
            req = {'hex': req}
        data = bytes.fromhex(req.get('hex', ''))
        os.ftruncate(inp, req.get('file_size', max(len(data), 1)))
        os.pwrite(inp, data, 0)
        sock.sendall(struct.pack('<q', req.get('length', len(data))))
        try:
            status, size = struct.unpack('<qq', read_exact(sock, 16))
        except EOFError as e:
            responses.append({'status': 0, 'message': str(e)})
            break
        if status == 200:
            responses.append({'status': 200, 'hex': os.pread(out, size, 0).hex(), 'file_size': os.fstat(out).st_size})
        else:
            responses.append({'status': status, 'message': read_exact(sock, size).decode('utf-8')})
            break
    if spec.get('finish', True):
        try:
            sock.sendall(struct.pack('<q', 0))
        except OSError:
            pass
    sock.close()
    print(json.dumps({'responses': responses}))


if __name__ == '__main__':
    main()
