import unittest

from handler import UpstreamTimeout, handler


class HandlerTest(unittest.TestCase):
    def test_processes_order(self):
        out = handler({"order_id": "o-1", "items": [{"sku": "a", "qty": 2, "price": 1.25}, {"sku": "b", "qty": 1, "price": 3}]})
        self.assertEqual(out, {"order_id": "o-1", "status": "processed", "item_count": 3, "total": 5.5})

    def test_order_without_items(self):
        self.assertEqual(handler({"order_id": "o-2"}), {"order_id": "o-2", "status": "processed", "item_count": 0, "total": 0})

    def test_rejects_missing_order_id(self):
        for event in ({}, {"order_id": ""}, None, "o-3"):
            with self.assertRaisesRegex(ValueError, "order_id is required"):
                handler(event)

    def test_upstream_timeout(self):
        with self.assertRaisesRegex(UpstreamTimeout, "inventory service timed out for order o-4"):
            handler({"order_id": "o-4", "simulate": "upstream_timeout"})

    def test_rejects_non_positive_qty(self):
        with self.assertRaisesRegex(ValueError, "'a' has no positive qty"):
            handler({"order_id": "o-5", "items": [{"sku": "a", "qty": 0}]})


if __name__ == "__main__":
    unittest.main()
