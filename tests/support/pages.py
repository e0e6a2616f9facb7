"""Reading the pages the test client gets back."""


def text(response):
    return response.content.decode()
