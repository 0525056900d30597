"""An app owned by an object: views are methods registered on self.app."""

from flask import Blueprint, Flask, jsonify

admin = Blueprint("admin", __name__)


@admin.route("/stats")
def stats():
    return "stats"


class Server:
    def __init__(self, name):
        self.app = Flask(name)
        self.app.add_url_rule("/", "home", self.index)
        self.app.add_url_rule("/items/<int:item_id>", view_func=self.item, methods=["GET", "POST"])
        self.app.add_url_rule("/health", view_func=self.health)
        self.app.register_blueprint(admin, url_prefix="/admin")
        self.app.route("/about")(self.about)
        self.app.post("/echo/<word>")(self.echo)

        @self.app.route("/hello/<name>")
        def hello(name):
            return f"hello {name}"

    def index(self):
        return "home"

    def item(self, item_id):
        return jsonify(id=item_id)

    def about(self):
        return "about"

    def echo(self, word):
        return word

    @staticmethod
    def health():
        return "ok"


server = Server(__name__)
app = server.app
