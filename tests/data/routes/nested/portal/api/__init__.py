from flask import Blueprint
from flask.views import MethodView, View

from .users import users

api_bp = Blueprint("api", __name__, url_prefix="/ignored-by-option")
api_bp.register_blueprint(users, url_prefix="/people")


class ItemAPI(MethodView):
    def get(self, item_id):
        return {"id": item_id}

    def delete(self, item_id):
        return "", 204


class ItemListAPI(ItemAPI):
    def post(self):
        return {}, 201


class Export(View):
    methods = ["POST", "put"]

    def dispatch_request(self):
        return "exported"


api_bp.add_url_rule("/items/<int:item_id>", view_func=ItemAPI.as_view("item"))
api_bp.add_url_rule("/items/", view_func=ItemListAPI.as_view("items"))
api_bp.add_url_rule("/export", view_func=Export.as_view("export"))


@api_bp.get("/status")
def status():
    return {"ok": True}
